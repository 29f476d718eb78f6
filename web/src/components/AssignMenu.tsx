// Who handles a thread (admins only): the assignee's avatar, or "Unassigned", as a menu
// button (hooks/useMenuButton.ts) offering "Assign to me", every other admin of
// GET /admins, and "Unassign". The change shows at once (api/threads.ts: useAssignThread);
// other admins see it live (threads.assigned).
import { describeError } from '../api/errors.ts';
import type { Assignee, Person, Thread } from '../api/schema.ts';
import { useAdmins, useAssignThread } from '../api/threads.ts';
import { useSession } from '../app/session.tsx';
import { useMenuButton } from '../hooks/useMenuButton.ts';
import { viewerAsPerson } from '../lib/people.ts';
import { Avatar } from './Avatar.tsx';
import { CheckIcon, ChevronDownIcon } from './icons.tsx';

/** The checked choice, else the first: where the keyboard lands on opening. */
const checkedItem = (items: HTMLElement[]) => items.find((item) => item.getAttribute('aria-checked') === 'true');

const asAssignee = ({ id, display_name }: Person): NonNullable<Assignee> => ({ id, display_name });

interface AssignMenuProps {
  thread: Thread;
  /** The avatar only, no name beside it (the chat header). */
  compact?: boolean;
}

export function AssignMenu({ thread, compact = false }: AssignMenuProps) {
  const { viewer } = useSession();
  const { open, close, rootRef, buttonProps, menuProps } = useMenuButton(checkedItem);
  const team = useAdmins(open);
  const assign = useAssignThread();
  const { assignee } = thread;
  const label = assignee ? `Assigned to ${assignee.display_name}` : 'Unassigned';
  const me = team.data?.find((admin) => admin.id === viewer.id) ?? viewerAsPerson(viewer);
  const others = team.data?.filter((admin) => admin.id !== viewer.id) ?? [];

  const choose = (next: Assignee) => {
    close(true);
    if (next?.id !== assignee?.id) assign.mutate({ thread, assignee: next });
  };
  const choice = (person: Person, text: string) => (
    <button
      key={person.id}
      type="button"
      role="menuitemradio"
      tabIndex={-1}
      aria-checked={assignee?.id === person.id}
      className="menu-item"
      onClick={() => choose(asAssignee(person))}
    >
      <span className="menu-item-check">{assignee?.id === person.id && <CheckIcon />}</span>
      {text}
    </button>
  );

  return (
    <div className={`assign${open ? ' is-open' : ''}${compact ? ' assign--compact' : ''}`} ref={rootRef}>
      <button {...buttonProps} className="assign-button" aria-label={label} title={label}>
        <Avatar name={assignee?.display_name ?? null} />
        {!compact && <span className="assign-name">{assignee?.display_name ?? 'Unassigned'}</span>}
        <ChevronDownIcon size={14} />
      </button>
      {open && (
        <div className="menu-popover">
          <div {...menuProps}>
            {choice(me, 'Assign to me')}
            <div role="separator" className="menu-separator" />
            {others.map((admin) => choice(admin, admin.display_name))}
            {(team.isPending || team.isError) && (
              <div role="menuitem" tabIndex={-1} aria-disabled="true" className="menu-item menu-item--note">
                {team.isError ? `Could not load the team: ${describeError(team.error)}` : 'Loading the team…'}
              </div>
            )}
            {others.length > 0 && <div role="separator" className="menu-separator" />}
            <button
              type="button"
              role="menuitem"
              tabIndex={-1}
              className="menu-item"
              aria-disabled={!assignee}
              onClick={() => assignee && choose(null)}
            >
              <span className="menu-item-check" />
              Unassign
            </button>
          </div>
        </div>
      )}
      {assign.error && (
        <span className="floating-error assign-error" role="alert">
          Not assigned: {describeError(assign.error)}
        </span>
      )}
    </div>
  );
}
