import { useEffect } from 'react';

/** "Orders · orderchat" */
export function useDocumentTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · orderchat`;
  }, [title]);
}
