// Inline SVG icons (emoji depend on the system's fonts). Decorative: the
// control around each icon carries the accessible name.
import type { ReactNode } from 'react';

function Icon({ children, size = 20 }: { children: ReactNode; size?: number }) {
  return (
    <svg viewBox="0 0 24 24" width={size} height={size} aria-hidden="true" focusable="false" className="icon">
      {children}
    </svg>
  );
}

const stroke = { fill: 'none', stroke: 'currentColor', strokeWidth: 2, strokeLinecap: 'round', strokeLinejoin: 'round' } as const;

export const BellIcon = () => (
  <Icon size={22}>
    <path
      fill="currentColor"
      d="M12 22a2.5 2.5 0 0 0 2.45-2h-4.9A2.5 2.5 0 0 0 12 22Zm7-6V11a7 7 0 0 0-5.5-6.84V3.5a1.5 1.5 0 0 0-3 0v.66A7 7 0 0 0 5 11v5l-2 2v1h18v-1l-2-2Z"
    />
  </Icon>
);

export const ChatIcon = () => (
  <Icon size={26}>
    <path fill="currentColor" d="M3 5a2 2 0 0 1 2-2h14a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-5 4Z" />
  </Icon>
);

export const CloseIcon = ({ size = 20 }: { size?: number }) => (
  <Icon size={size}>
    <path {...stroke} d="M6 6l12 12M18 6 6 18" />
  </Icon>
);

/** The chat's minimize button, and the caret of a menu button. */
export const ChevronDownIcon = ({ size = 20 }: { size?: number }) => (
  <Icon size={size}>
    <path {...stroke} d="m6 9 6 6 6-6" />
  </Icon>
);

/** An internal note: only the team sees it. */
export const LockIcon = ({ size = 16 }: { size?: number }) => (
  <Icon size={size}>
    <rect {...stroke} x="5" y="11" width="14" height="10" rx="2" />
    <path {...stroke} d="M8 11V7a4 4 0 0 1 8 0v4" />
  </Icon>
);

export const CheckIcon = () => (
  <Icon size={16}>
    <path {...stroke} d="m5 12 5 5 9-10" />
  </Icon>
);

export const PaperclipIcon = () => (
  <Icon>
    <path {...stroke} d="m21 11-8.6 8.6a5 5 0 0 1-7-7L14 4a3.5 3.5 0 0 1 5 5l-8.6 8.6a2 2 0 0 1-2.8-2.8L15.5 7" />
  </Icon>
);

export const FileIcon = () => (
  <Icon size={18}>
    <path {...stroke} d="M14 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2V8Zm0 0v5h5" />
  </Icon>
);

export const VideoIcon = () => (
  <Icon size={18}>
    <path {...stroke} d="M3 6h12v12H3zM15 10l6-3v10l-6-3" />
  </Icon>
);

export const ClockIcon = () => (
  <Icon size={12}>
    <circle {...stroke} cx="12" cy="12" r="9" />
    <path {...stroke} d="M12 7v5l3 2" />
  </Icon>
);
