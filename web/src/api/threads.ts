// Threads in the query cache: an order's thread, the admins' inbox lists, the support team
// (GET /admins) and assigning a thread. Keys: queryKeys.ts.
import { useMutation, useQuery, useQueryClient, type InfiniteData } from '@tanstack/react-query';

import { useLiveReady } from '../app/liveEvents.tsx';
import { useQueryApi } from '../app/queries.tsx';
import { useApi } from '../app/session.tsx';
import { expectOk } from './errors.ts';
import { setAssigneeInCache } from './liveCache.ts';
import { inits, threadKeys } from './queryKeys.ts';
import type { Assignee, InboxFilter, Page, Thread } from './schema.ts';

type ThreadsPage = Page<Thread>;

export type ThreadsData = InfiniteData<ThreadsPage, unknown>;

/** The thread of an order (GET /threads?order_id=), or null when it has none. */
export function useThreadOfOrder(orderId: string) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return useQuery({
    ...queryApi.queryOptions('get', '/threads', inits.threadOfOrder(orderId)),
    enabled: ready,
    select: (page: ThreadsPage) => page.items[0] ?? null,
  });
}

/** The inbox: every thread, or the viewer's (`me`), or the unassigned ones; newest activity first, page by page. */
export function useInbox(assignee: InboxFilter | undefined, enabled: boolean) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return queryApi.useInfiniteQuery('get', '/threads', inits.inbox(assignee), {
    enabled: ready && enabled,
    initialPageParam: null,
    getNextPageParam: (page: ThreadsPage) => page.next_cursor,
  });
}

/**
 * The support team, by display name (GET /admins: every admin who has used the API).
 * Read when an assign menu opens; a minute fresh, so that opening menus row after row
 * asks once, while someone who signed in meanwhile shows up soon.
 */
export function useAdmins(enabled: boolean) {
  const queryApi = useQueryApi();
  const ready = useLiveReady();
  return queryApi.useQuery('get', '/admins', inits.admins(), {
    enabled: ready && enabled,
    staleTime: 60_000,
    select: (list) => list.items,
  });
}

export interface Assignment {
  thread: Thread;
  /** The admin to assign, or null to unassign. */
  assignee: Assignee;
}

/**
 * Assigns a thread (PUT /threads/{id}/assignee) or unassigns it (DELETE), optimistically:
 * every cached copy shows the new assignee at once, and the answer settles it. The
 * threads are read again afterwards either way: after a failure they show the truth, and
 * who is in "Mine" and "Unassigned" is the server's to say.
 */
export function useAssignThread() {
  const api = useApi();
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ thread, assignee }: Assignment) => {
      const params = { path: { thread_id: thread.thread_id } };
      return expectOk(
        assignee
          ? api.PUT('/threads/{thread_id}/assignee', { params, body: { assignee_id: assignee.id } })
          : api.DELETE('/threads/{thread_id}/assignee', { params }),
      );
    },
    onMutate: async ({ thread, assignee }) => {
      // A read under way would overwrite the optimistic assignee with the old one.
      await queryClient.cancelQueries({ queryKey: threadKeys.all() });
      setAssigneeInCache(queryClient, thread.thread_id, assignee);
    },
    onSuccess: (stored) => setAssigneeInCache(queryClient, stored.thread_id, stored.assignee),
    onSettled: (_stored, _err, { thread }) => {
      void queryClient.invalidateQueries(threadKeys.inboxes());
      void queryClient.invalidateQueries({ queryKey: threadKeys.ofOrder(thread.order_id) });
    },
  });
}
