package httpapi

import (
	"context"

	"orderchat/internal/auth"
)

type principalKey struct{}

// withPrincipal records who is calling. The strict handlers receive the *gin.Context as
// their context, which falls back to the request's context (ContextWithFallback), so the
// principal is stored on the request.
func withPrincipal(ctx context.Context, p auth.Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// principalFrom is the authenticated caller; the authentication middleware guarantees one
// on every operation that declares security.
func principalFrom(ctx context.Context) auth.Principal {
	p, _ := ctx.Value(principalKey{}).(auth.Principal)
	return p
}
