package router

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/store/storetest"
)

// TestAppendJSONFields: a narrowed answer holds exactly the members asked
// for, in answer order, each with the value the full answer gives it (staff:
// the chain's last entry's), on points of every kind over the sample.
func TestAppendJSONFields(t *testing.T) {
	ix, err := New(partition.Version{Number: 2}, storetest.Sample().Units, Options{})
	if err != nil {
		t.Fatal(err)
	}
	lists := []string{"code", "code,chain", "code,contact", "code,staff", "staff,code", " point , distance_m ", "version,published_at,resolved",
		strings.Join(FieldNames(), ",")}
	for _, name := range FieldNames() {
		lists = append(lists, name)
	}
	for _, list := range lists {
		f, err := ParseFields(list)
		if err != nil {
			t.Fatalf("ParseFields(%q): %v", list, err)
		}
		var want []string // in answer order
		for _, name := range FieldNames() {
			if slices.Contains(strings.Split(strings.ReplaceAll(list, " ", ""), ","), name) {
				want = append(want, name)
			}
		}
		for i, p := range testPoints(storetest.Sample().Units, 300, 3) {
			r := ix.Route(p)
			full := map[string]json.RawMessage{}
			if err := json.Unmarshal(AppendJSON(nil, &r, [2]float64(p)), &full); err != nil {
				t.Fatal(err)
			}
			var chain []map[string]json.RawMessage
			if err := json.Unmarshal(full["chain"], &chain); err != nil {
				t.Fatal(err)
			}
			full["staff"] = json.RawMessage("[]")
			if len(chain) > 0 {
				full["staff"] = chain[len(chain)-1]["staff"]
			}
			b := AppendJSONFields(nil, &r, AppendPoint(nil, [2]float64(p)), f)
			got := map[string]json.RawMessage{}
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatalf("%q, point %d: %v in %s", list, i, err, b)
			}
			if keys := jsonKeys(t, b); !slices.Equal(keys, want) {
				t.Fatalf("%q, point %d: members %v, want %v", list, i, keys, want)
			}
			for k, v := range got {
				if string(v) != string(full[k]) {
					t.Fatalf("%q, point %d: %s = %s, want %s", list, i, k, v, full[k])
				}
			}
		}
	}
}

// jsonKeys returns the top-level member names of the object b, in order.
func jsonKeys(t *testing.T, b []byte) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(string(b)))
	if _, err := dec.Token(); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for dec.More() {
		k, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, k.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// TestParseFields: unknown names (and an empty list) are refused, naming
// each and the accepted ones.
func TestParseFields(t *testing.T) {
	for _, tc := range []struct {
		list string
		want []string // in the message; nil: accepted
	}{
		{"code,chain", nil},
		{"code,Code,chian", []string{`"Code"`, `"chian"`, "code, name, level"}},
		{"", []string{`""`, "published_at"}},
		{"code,", []string{`""`}},
		{"crs", []string{`"crs"`}},
	} {
		_, err := ParseFields(tc.list)
		switch {
		case tc.want == nil && err != nil:
			t.Errorf("ParseFields(%q): %v, want no error", tc.list, err)
		case tc.want != nil && err == nil:
			t.Errorf("ParseFields(%q): no error, want one naming %v", tc.list, tc.want)
		case tc.want != nil:
			if partition.KindOf(err) != partition.Invalid {
				t.Errorf("ParseFields(%q): %v is %s, want invalid", tc.list, err, partition.KindOf(err))
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("ParseFields(%q): %q does not name %s", tc.list, err, w)
				}
			}
		}
	}
}
