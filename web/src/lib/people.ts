// How people are named on screen (openapi.yaml: `Person`, `Customer`), never by an id:
// support staff by name with "(Support)" on both sides, the customer by name, and
// "You" on the customer's own messages.
import type { MessageVisibility, Person } from '../api/schema.ts';
import type { Viewer } from '../auth/token.ts';

/** The side's generic name the server gives someone without a name or email claim. */
const GENERIC_NAME = { admin: 'Support', user: 'Customer' } as const;

/** The viewer as the server names them: the `name` claim, else the email, else the side's generic name. */
export function viewerAsPerson(viewer: Viewer): Person {
  return { id: viewer.id, role: viewer.role, display_name: viewer.name ?? viewer.email ?? GENERIC_NAME[viewer.role] };
}

/** "Ada Lovelace (Support)", "Grace Hopper", or "You" for the customer's own messages. */
export function authorLabel(author: Person, viewer: Pick<Viewer, 'id'>): string {
  if (author.role === 'admin') {
    return author.display_name === GENERIC_NAME.admin ? author.display_name : `${author.display_name} (Support)`;
  }
  return author.id === viewer.id ? 'You' : author.display_name;
}

/** What a message preview (inbox row, bell entry) needs to know. */
interface MessageGist {
  author: Person;
  visibility: MessageVisibility;
  message_content: string;
  has_media: boolean;
}

/** One line about a message: who wrote what ("Grace Hopper: Where is it?"); a note says it is one. */
export function messageSummary(message: MessageGist, viewer: Pick<Viewer, 'id'>): string {
  const text = message.message_content || (message.has_media ? 'sent an attachment' : '');
  if (message.visibility === 'internal') return `Note by ${message.author.display_name}: ${text}`;
  return `${authorLabel(message.author, viewer)}: ${text}`;
}

/** "Bo Diddley" → "BD", "support@example.com" → "S": an avatar's letters. */
export function initials(name: string): string {
  const words = name
    .replace(/@.*$/, '')
    .split(/[\s._-]+/)
    .filter(Boolean);
  const firstLetter = (word: string | undefined) => (word ? (Array.from(word)[0] ?? '') : '');
  const letters = firstLetter(words[0]) + (words.length > 1 ? firstLetter(words.at(-1)) : '');
  return letters.toUpperCase() || '?';
}
