// A person's initials in a circle (an assignee in the inbox and the chat header), or an
// empty dashed circle for nobody. Decorative: the control around it names the person.
import { initials } from '../lib/people.ts';

export function Avatar({ name }: { name: string | null }) {
  return (
    <span className={`avatar${name === null ? ' avatar--nobody' : ''}`} aria-hidden="true">
      {name === null ? '' : initials(name)}
    </span>
  );
}
