package chat

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// httpOnly are the packages of the HTTP layer. chat holds the rules and returns domain
// values; internal/httpapi maps them to the contract's models and builds the URLs
// (httpapi/transform*.go), so that chat does not change when the contract's shapes do.
var httpOnly = []string{"orderchat/gen/api", "orderchat/gen/apiclient", "github.com/oapi-codegen/runtime", "github.com/gin-gonic/gin", "net/http"}

// TestChatSpeaksNoHTTP fails when a file of package chat (tests aside) imports the HTTP
// layer's packages or spells a route of the API.
func TestChatSpeaksNoHTTP(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil || len(files) == 0 {
		t.Fatalf("no Go files here: %v", err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			path, _ := strconv.Unquote(imp.Path.Value)
			for _, banned := range httpOnly {
				if path == banned {
					t.Errorf("%s imports %s: map to API models in internal/httpapi (transform*.go)", fset.Position(imp.Pos()), path)
				}
			}
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if lit, ok := n.(*ast.BasicLit); ok && lit.Kind == token.STRING && strings.Contains(lit.Value, "/api/") {
				t.Errorf("%s: %s is a route of the API: build URLs in internal/httpapi", fset.Position(lit.Pos()), lit.Value)
			}
			return true
		})
	}
}
