package chat

import "fmt"

// Kind classifies what went wrong in terms a transport can answer with.
type Kind int

const (
	Invalid     Kind = iota + 1 // the input breaks a rule the schema cannot express
	NotFound                    // no such resource, or it belongs to another user
	Forbidden                   // the caller's role may not do this
	Conflict                    // the resource's state forbids the change
	TooLarge                    // an attachment over MaxMediaBytes
	Unsupported                 // an attachment of a type not allowed
)

// Error is a rule the service enforced. Reason is a stable slug (e.g. "thread-closed")
// and Field names the offending input, when there is one.
type Error struct {
	Kind   Kind
	Reason string
	Field  string
	Detail string
}

func (e *Error) Error() string { return e.Detail }

func notFound(what string) error {
	return &Error{Kind: NotFound, Reason: "not-found", Detail: what + " not found"}
}

func forbidden(detail string) error {
	return &Error{Kind: Forbidden, Reason: "forbidden", Detail: detail}
}

func invalid(field, format string, args ...any) error {
	return &Error{Kind: Invalid, Reason: "validation", Field: field, Detail: fmt.Sprintf(format, args...)}
}
