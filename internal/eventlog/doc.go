// Package eventlog reads the event log: the events table that every change appends to
// in its own transaction (the transactional outbox of README: "Architecture").
//
// How an event travels:
//
//  1. An emitter (internal/chat) appends it in the transaction that makes the change,
//     through append_event() (queries/*.sql, migrations/00004).
//  2. The transaction commits; the emitter then calls Published, which wakes this
//     process's reader at once and, at most once per 2 ms, NOTIFYs the other instances,
//     whose readers LISTEN.
//  3. The reader (Run) reads the rows after its position and takes the unbroken run of
//     ids from there: every smaller id is settled (README: "How ordering is kept"). A gap
//     that lasts is settled by a horizon (horizon.go): a writer still running, or a rollback.
//  4. It hands the rows to its Followers in id order; internal/sse is the follower that
//     queues them on its subscribers, whose streams write them to the socket. The JSON
//     feed (Feed) wakes its waiting requests from the same reader.
//  5. A client that reconnects resumes with Last-Event-ID: Replay reads what it missed,
//     within retention (Prune), for its Audience.
//
// Nothing is delivered that did not commit, and no id is delivered after a larger one.
package eventlog
