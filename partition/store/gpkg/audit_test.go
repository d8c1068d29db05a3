package gpkg_test

import (
	"database/sql"
	"path/filepath"
	"strings"
	"testing"

	"github.com/wangge/wangge/partition/store/storetest"
)

// TestAuditAppendOnly: not even SQL on the file changes or deletes the
// audit log: the schema's triggers refuse UPDATE and DELETE.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "w.gpkg")
	s := openStore(t, path)
	if _, err := s.Publish(testContext(t), storetest.Sample()); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, stmt := range []string{
		"UPDATE audit SET actor = 'someone else'",
		"DELETE FROM audit",
		"UPDATE audit_codes SET code = '1'",
		"DELETE FROM audit_codes",
	} {
		if _, err := db.Exec(stmt); err == nil || !strings.Contains(err.Error(), "append-only") {
			t.Errorf("%s: got %v, want it refused as append-only", stmt, err)
		}
	}
	var n int
	if err := db.QueryRow("SELECT count(*) FROM audit").Scan(&n); err != nil || n != 1 {
		t.Errorf("the log holds %d entries (%v), want the publish's 1", n, err)
	}
}
