// A menu button (WAI-ARIA APG "Menu Button"), shared by the bell and the assign menu:
// Enter, Space or ArrowDown open the menu on its first item, ArrowUp on its last; arrows
// (wrapping), Home and End move between items; Escape closes it and returns focus to the
// button; Tab closes it and moves on; a click anywhere else closes it.
import { useEffect, useEffectEvent, useId, useRef, useState, type KeyboardEvent } from 'react';

const ITEMS = '[role="menuitem"], [role="menuitemradio"]';

type Edge = 'first' | 'last';

/**
 * `firstItem` picks the item focused on opening "first" (default: the first one), say
 * the first notification below the bell's "Mark all read", or the checked choice.
 */
export function useMenuButton(firstItem?: (items: HTMLElement[]) => HTMLElement | undefined) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const pendingFocus = useRef<Edge | null>(null);
  const menuId = useId();
  const buttonId = useId();

  const items = () => Array.from(menuRef.current?.querySelectorAll<HTMLElement>(ITEMS) ?? []);

  const openMenu = (focus: Edge) => {
    pendingFocus.current = focus;
    setOpen(true);
  };
  const close = (returnFocus: boolean) => {
    setOpen(false);
    if (returnFocus) buttonRef.current?.focus();
  };

  const focusOnOpen = useEffectEvent(() => {
    const all = items();
    (pendingFocus.current === 'first' ? (firstItem?.(all) ?? all[0]) : all.at(-1))?.focus();
    pendingFocus.current = null;
  });
  useEffect(() => {
    if (open && pendingFocus.current) focusOnOpen();
  }, [open]);

  useEffect(() => {
    if (!open) return;
    const onPointerDown = (event: PointerEvent) => {
      if (!rootRef.current?.contains(event.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [open]);

  const onButtonKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      event.preventDefault();
      openMenu(event.key === 'ArrowDown' ? 'first' : 'last');
    }
  };

  const onMenuKeyDown = (event: KeyboardEvent) => {
    const all = items();
    const index = all.indexOf(document.activeElement as HTMLElement);
    const moveTo = (i: number) => {
      event.preventDefault();
      all[(i + all.length) % all.length]?.focus();
    };
    switch (event.key) {
      case 'ArrowDown':
        return moveTo(index + 1);
      case 'ArrowUp':
        return moveTo(index - 1);
      case 'Home':
        return moveTo(0);
      case 'End':
        return moveTo(all.length - 1);
      case 'Escape':
        // Not the chat panel's Escape (which minimizes it) as well.
        event.preventDefault();
        event.stopPropagation();
        return close(true);
      case 'Tab':
        return close(false);
    }
  };

  return {
    open,
    /** Closes the menu; `returnFocus` puts the focus back on the button. */
    close,
    /** The element holding the button and the menu: a click outside it closes the menu. */
    rootRef,
    buttonProps: {
      ref: buttonRef,
      id: buttonId,
      type: 'button' as const,
      'aria-haspopup': 'menu' as const,
      'aria-expanded': open,
      'aria-controls': open ? menuId : undefined,
      onClick: () => (open ? close(false) : openMenu('first')),
      onKeyDown: onButtonKeyDown,
    },
    menuProps: {
      ref: menuRef,
      id: menuId,
      role: 'menu' as const,
      'aria-labelledby': buttonId,
      onKeyDown: onMenuKeyDown,
    },
  };
}
