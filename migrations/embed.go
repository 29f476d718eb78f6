// Package migrations holds the goose-style SQL migrations, embedded so that the binary
// migrates its database without any file on disk. sqlc reads the same files as the schema.
package migrations

import "embed"

// FS holds every migration, applied in file-name order.
//
//go:embed *.sql
var FS embed.FS
