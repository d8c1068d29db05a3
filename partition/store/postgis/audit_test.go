package postgis_test

import (
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/wangge/wangge/partition/store/storetest"
)

// TestAuditAppendOnly: not even SQL on the database changes or deletes the
// audit log: the schema's triggers refuse UPDATE, DELETE and TRUNCATE.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	schema := newSchema(t)
	s := openStore(t, schema)
	defer s.Close()
	ctx := testContext(t)
	if _, err := s.Publish(ctx, storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, databaseURL(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	q := pgx.Identifier{schema}.Sanitize()
	for _, stmt := range []string{
		"UPDATE " + q + ".audit SET actor = 'someone else'",
		"DELETE FROM " + q + ".audit",
		"TRUNCATE " + q + ".audit CASCADE",
		"UPDATE " + q + ".audit_codes SET code = '1'",
		"DELETE FROM " + q + ".audit_codes",
	} {
		if _, err := conn.Exec(ctx, stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want it refused as append-only", stmt, err)
		}
	}
	var n int
	if err := conn.QueryRow(ctx, "SELECT count(*) FROM "+q+".audit").Scan(&n); err != nil || n != 1 {
		t.Errorf("the log holds %d entries (%v), want the publish's 1", n, err)
	}
}
