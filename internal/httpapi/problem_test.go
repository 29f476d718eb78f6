package httpapi

import (
	"testing"

	"orderchat/gen/api"
)

// TestEveryDefaultProblemKindIsInTheCatalogue: clients branch on a problem's type, so
// every type the server answers with by status is a ProblemType of openapi.yaml. The
// specific kinds of broken rules (chat.Error.Reason) are checked where they are answered:
// the test client validates every response against the contract.
func TestEveryDefaultProblemKindIsInTheCatalogue(t *testing.T) {
	for status, kind := range kindByStatus {
		if typ := api.ProblemType(problemTypePrefix + kind); !typ.Valid() {
			t.Errorf("status %d answers %s, which openapi.yaml's ProblemType does not list", status, typ)
		}
	}
}
