package api_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/wangge/wangge/api"
	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/internal/testdb"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/access"
	"github.com/wangge/wangge/partition/household"
	"github.com/wangge/wangge/partition/router"
	"github.com/wangge/wangge/partition/store/postgis"
)

// The review chain end to end (issue 14): tokens of different roles and
// scopes walk a draft of the sample county from 街道初划 to 市级备案.

const (
	chainRoot = "330922100001"       // a community of 菜园镇
	chainHole = "330922100001001001" // the micro-grid that overlaps its sibling
)

// chainTokens are the tokens of the chain test, by name.
var chainTokens = []struct {
	name  string
	role  partition.Role
	scope partition.Code
}{
	{"admin", partition.RoleAdmin, ""},
	{"菜园镇-规划", partition.RolePlanner, "330922100"},
	{"嵊山镇-规划", partition.RolePlanner, "330922101"},
	{"嵊泗县-审核", partition.RoleReviewer, "330922"},
	{"岱山县-审核", partition.RoleReviewer, "330921"},
	{"舟山市-备案", partition.RoleFiler, "3309"},
	{"调度", partition.RoleDispatcher, "330922"},
}

// chainServer is one replica of the chain test: its server and its router.
type chainServer struct {
	*server
	router *router.Router
}

// wrote is one write the test made, as the audit log should record it.
type wrote struct {
	Actor  string
	Action string
}

type chain struct {
	t       *testing.T
	servers []chainServer // the replicas; the steps go round them
	next    int
	secrets map[string]string
	wrote   []wrote
}

// on is the server the next step runs on.
func (c *chain) on() *server {
	s := c.servers[c.next%len(c.servers)].server
	c.next++
	return s
}

// as is the header of a request with the named token (and If-Match etag
// when not empty).
func (c *chain) as(name, etag string) map[string]string {
	h := map[string]string{"Authorization": "Bearer " + c.secrets[name]}
	if etag != "" {
		h["If-Match"] = etag
	}
	return h
}

// step sends a request as the named token and wants status; a success of
// a write is recorded as what the audit log should hold.
func (c *chain) step(name, method, path, body, etag string, status int, action string) rawAnswer {
	c.t.Helper()
	a := c.on().send(method, path, body, c.as(name, etag))
	if a.code != status {
		c.t.Fatalf("%s %s as %s: %d %.1500s, want %d", method, path, name, a.code, a.body, status)
	}
	if action != "" {
		c.wrote = append(c.wrote, wrote{name, action})
	}
	return a
}

// draftState reads the draft on some replica.
func (c *chain) draft(id string) (partition.Draft, string) {
	c.t.Helper()
	a := c.on().send("GET", "/v1/drafts/"+id, "", nil)
	if a.code != 200 {
		c.t.Fatalf("GET draft %s: %d %s", id, a.code, a.body)
	}
	return decode[struct{ Draft partition.Draft }](c.t, a.body).Draft, a.header.Get("ETag")
}

// chainReplicas makes the servers of the chain test over stores (one
// store: one server; two PostGIS stores on one schema: two replicas),
// each with a router that follows the others' publishes.
func chainReplicas(t *testing.T, rs *partition.RuleSet, stores ...partition.Store) []chainServer {
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	var out []chainServer
	for _, st := range stores {
		rt := router.NewRouter(st, router.Options{}, log)
		if ps, ok := st.(*postgis.Store); ok {
			ctx, stop := context.WithCancel(context.Background())
			t.Cleanup(stop)
			go func() { _ = ps.Listen(ctx, rt.Notified(ctx)) }()
		}
		auth := access.New(st.(partition.AccessStore), access.Options{}, log)
		s := start(t, st, api.Config{Rules: rs, Router: rt, Access: auth})
		out = append(out, chainServer{server: s, router: rt})
	}
	return out
}

func TestReviewChain(t *testing.T) {
	sample := string(mustRead(t, "../data/sample/shengsi.geojson"))
	pts, err := household.Decode(mustRead(t, "../data/sample/shengsi_households.geojson"), nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := partition.BuiltinRuleSet("zhejiang")
	cases := map[string]func(t *testing.T) []partition.Store{
		"gpkg":    func(t *testing.T) []partition.Store { return []partition.Store{stores(t)["gpkg"]} },
		"postgis": func(t *testing.T) []partition.Store { return []partition.Store{stores(t)["postgis"]} },
		"postgis two replicas": func(t *testing.T) []partition.Store {
			schema := testdb.Schema(t, "t_chain")
			var out []partition.Store
			for range 2 {
				s, err := postgis.Open(context.Background(), testdb.URL(t), postgis.Options{Schema: schema, Limits: geo.DefaultLimits})
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { s.Close() })
				out = append(out, s)
			}
			return out
		},
	}
	for name, open := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sts := open(t)
			c := &chain{t: t, servers: chainReplicas(t, &rs, sts...), secrets: map[string]string{}}
			ctx := partition.WithActor(context.Background(), partition.Actor{Name: "admin", Role: partition.RoleAdmin})
			auth := access.New(sts[0].(partition.AccessStore), access.Options{}, slog.New(slog.DiscardHandler))
			for _, tk := range chainTokens {
				_, secret, err := auth.Create(ctx, tk.name, tk.role, tk.scope)
				if err != nil {
					t.Fatal(err)
				}
				c.secrets[tk.name] = secret
				c.wrote = append(c.wrote, wrote{"admin", "token.create"})
			}
			if _, err := sts[0].(partition.DraftStore).ImportHouseholds(ctx, "sample", pts); err != nil {
				t.Fatal(err)
			}
			c.wrote = append(c.wrote, wrote{"admin", "households.import"})
			walkChain(t, c, sample)
		})
	}
}

func walkChain(t *testing.T, c *chain, sample string) {
	// Only an admin publishes outside the chain; without a token, no write.
	if a := c.on().send("POST", "/v1/versions?crs=cgcs2000", sample, nil); a.code != 401 || a.header.Get("WWW-Authenticate") == "" {
		t.Fatalf("publish without a token: %d %.300s, want 401 with a challenge", a.code, a.body)
	}
	if a := c.on().send("POST", "/v1/versions?crs=cgcs2000", sample, map[string]string{"Authorization": "Bearer wg_forged"}); a.code != 401 {
		t.Fatalf("publish with a forged token: %d %.300s, want 401", a.code, a.body)
	}
	if a := c.step("菜园镇-规划", "POST", "/v1/versions?crs=cgcs2000", sample, "", 403, ""); !strings.Contains(a.body, "admin") {
		t.Errorf("a planner publishing: %.300s, want it to name the role needed", a.body)
	}
	c.step("admin", "POST", "/v1/versions?crs=cgcs2000", sample, "", 201, "publish")
	// Reads stay open without a token.
	c.on().get("/v1/units/"+chainHole, 200)
	// The version the chain starts on has a micro-grid that overlaps its
	// sibling: an error finding of its grid.
	hole, sibling := publishOverlap(t, c)
	c.wrote = append(c.wrote, wrote{"admin", "publish"})
	base := routeAt(t, c.on(), hole)

	// 街道初划: the street's planner opens a draft of its community.
	if a := c.step("嵊山镇-规划", "POST", "/v1/drafts", `{"root": "`+chainRoot+`"}`, "", 403, ""); !strings.Contains(a.body, chainRoot) {
		t.Errorf("a draft outside the scope: %.300s, want it to name %s", a.body, chainRoot)
	}
	a := c.step("菜园镇-规划", "POST", "/v1/drafts", `{"root": "`+chainRoot+`", "note": "补齐网格"}`, "", 201, "draft.create")
	id := decode[struct{ Draft partition.Draft }](t, a.body).Draft.ID
	d, etag := c.draft(id)
	if d.State != partition.StateDraft {
		t.Fatalf("a new draft is %s", d.State)
	}
	// Another street's planner may not touch it: 403, nothing changed.
	rename := `{"op": "attributes", "unit": "` + chainRoot + `001", "name": "东海网格"}`
	a = c.step("嵊山镇-规划", "POST", "/v1/drafts/"+id+"/ops", rename, etag, 403, "")
	if !strings.Contains(a.body, "330922101") || !strings.Contains(a.body, chainRoot+"001") {
		t.Errorf("an out-of-scope edit: %.500s, want it to name the scope and the unit", a.body)
	}
	if after, _ := c.draft(id); after.Revision != d.Revision || after.Ops != 0 {
		t.Errorf("a refused edit changed the draft: %+v", after)
	}
	// A dispatcher does not edit.
	c.step("调度", "POST", "/v1/drafts/"+id+"/ops", rename, etag, 403, "")
	// The gate: a draft with an error finding cannot be submitted.
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/submit", `{"comment": "初划"}`, etag, 422, "")
	if !strings.Contains(a.body, `"rule":"overlap"`) || !strings.Contains(a.body, chainHole) {
		t.Errorf("submitting with an overlap: %.600s, want the overlap listed", a.body)
	}
	// The planner gives the overlap back to the sibling and renames a
	// grid.
	area, _ := json.Marshal(geojson.NewGeometry(hole))
	fill := `{"op": "reassign", "to": "` + sibling + `", "area": ` + string(area) + `}`
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops?crs=cgcs2000", fill, etag, 200, "draft.op")
	etag = a.header.Get("ETag")
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops", rename, etag, 200, "draft.op")
	etag = a.header.Get("ETag")
	// A second planner's tab still holds the old ETag: 412, naming what
	// it missed.
	if a := c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops", rename, `"1"`, 412, ""); !strings.Contains(a.body, "draft.op") {
		t.Errorf("a stale write: %.500s, want it to name the operation it missed", a.body)
	}
	// Merging two micro-grids makes one above the band: a warning.
	ma, mb := adjacent(t, draftUnits(t, c.on(), id, chainRoot+"002"))
	merge := fmt.Sprintf(`{"op": "merge", "units": ["%s", "%s"]}`, ma.Code, mb.Code)
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops", merge, etag, 200, "draft.op")
	etag = a.header.Get("ETag")
	// Warnings (sizes outside the band) need a justification per unit.
	warned := warnedUnits(t, c.on(), id)
	if len(warned) == 0 {
		t.Fatal("the sample's community has no size warnings: the test needs some")
	}
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/submit", `{"comment": "初划"}`, etag, 422, "")
	for _, code := range warned {
		if !strings.Contains(a.body, code) {
			t.Errorf("submitting without justifications: %.300s, want %s listed", a.body, code)
		}
	}
	just := map[string]string{}
	for _, code := range warned {
		just[code] = "海岛网格，户数随渔汛变化"
	}
	withTypo := maps.Clone(just)
	withTypo[chainRoot+"009999"] = "笔误"
	typo, _ := json.Marshal(map[string]any{"comment": "初划完成", "justifications": withTypo})
	if a := c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/submit", string(typo), etag, 400, ""); !strings.Contains(a.body, chainRoot+"009999") {
		t.Errorf("a justification of a unit without a warning: %.300s, want it named", a.body)
	}
	body, _ := json.Marshal(map[string]any{"comment": "初划完成", "justifications": just})
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/submit", string(body), etag, 200, "draft.submit")
	etag = a.header.Get("ETag")
	// A submitted draft is frozen.
	c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops", rename, etag, 409, "")
	if a := c.on().send("GET", "/v1/drafts?state=submitted", "", nil); !strings.Contains(a.body, id) || !strings.Contains(a.body, `"waits_for":"reviewer"`) {
		t.Errorf("drafts waiting for review: %.500s, want %s waiting for a reviewer", a.body, id)
	}
	if a := c.on().send("GET", "/v1/drafts?state=approved", "", nil); a.code != 400 {
		t.Errorf("?state=approved: %d, want 400", a.code)
	}
	// 区级审核: another county's reviewer may not; a planner may not
	// review; a rejection needs a comment.
	c.step("岱山县-审核", "POST", "/v1/drafts/"+id+"/review", "", etag, 403, "")
	c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/review", "", etag, 403, "")
	c.step("嵊泗县-审核", "POST", "/v1/drafts/"+id+"/reject", `{"comment": " "}`, etag, 400, "")
	a = c.step("嵊泗县-审核", "POST", "/v1/drafts/"+id+"/reject", `{"comment": "东海网格的名字与邻村重复"}`, etag, 200, "draft.reject")
	etag = a.header.Get("ETag")
	if d, _ := c.draft(id); d.State != partition.StateDraft {
		t.Errorf("after a rejection the draft is %s, want draft", d.State)
	}
	// Resubmission after a fix.
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/ops", `{"op": "attributes", "unit": "`+chainRoot+`001", "name": "东海一网格"}`, etag, 200, "draft.op")
	etag = a.header.Get("ETag")
	a = c.step("菜园镇-规划", "POST", "/v1/drafts/"+id+"/submit", string(body), etag, 200, "draft.submit")
	etag = a.header.Get("ETag")
	a = c.step("嵊泗县-审核", "POST", "/v1/drafts/"+id+"/review", `{"comment": "同意"}`, etag, 200, "draft.review")
	etag = a.header.Get("ETag")
	// 市级备案: only a filer files; the version takes effect a few
	// seconds ahead, and routing answers the old one until then.
	c.step("嵊泗县-审核", "POST", "/v1/drafts/"+id+"/file", "", etag, 403, "")
	filed := fileDraft(t, c, id, etag)
	d, _ = c.draft(id)
	if d.State != partition.StateFiled || d.Published != filed.version {
		t.Errorf("after filing: %+v, want filed as version %d", d, filed.version)
	}
	for _, r := range c.servers {
		waitRouted(t, r.server, hole, base, filed, sibling)
	}
	// The record: every transition with who, when and the comment.
	a = c.on().send("GET", "/v1/drafts/"+id+"/transitions", "", nil)
	ts := decode[struct{ Transitions []partition.DraftTransition }](t, a.body).Transitions
	var steps []string
	for _, tr := range ts {
		steps = append(steps, fmt.Sprintf("%s %s→%s %s", tr.Actor, tr.From, tr.To, tr.Comment))
	}
	wantSteps := []string{"菜园镇-规划 draft→submitted 初划完成", "嵊泗县-审核 submitted→draft 东海网格的名字与邻村重复",
		"菜园镇-规划 draft→submitted 初划完成", "嵊泗县-审核 submitted→reviewed 同意", "舟山市-备案 reviewed→filed 市级备案"}
	if !reflect.DeepEqual(steps, wantSteps) {
		t.Errorf("transitions:\n got %q\nwant %q", steps, wantSteps)
	}
	if len(ts) > 0 && !reflect.DeepEqual(ts[0].Justifications, codesMap(just)) {
		t.Errorf("the submission's justifications %v, want %v", ts[0].Justifications, just)
	}
	// The audit log holds exactly the writes made, in order; nothing the
	// API offers edits it.
	checkAudit(t, c)
}

// publishOverlap publishes (as admin) the sample's micro-grid chainHole
// grown by a square inside a sibling it borders, and returns the square
// (CGCS2000) and the sibling's code.
func publishOverlap(t *testing.T, c *chain) (orb.MultiPolygon, string) {
	fc, err := geojson.UnmarshalFeatureCollection(c.on().get("/v1/units?parent="+chainHole[:15]+"&crs=cgcs2000&limit=1000", 200))
	if err != nil {
		t.Fatal(err)
	}
	us := map[string]partition.Unit{}
	var x *geojson.Feature
	for _, f := range fc.Features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			mp = orb.MultiPolygon{f.Geometry.(orb.Polygon)}
		}
		code := f.Properties.MustString("code")
		us[code] = partition.Unit{Code: partition.Code(code), Geometry: mp}
		if code == chainHole {
			x = f
		}
	}
	if x == nil {
		t.Fatalf("no micro-grid %s", chainHole)
	}
	var y partition.Unit
	for code, u := range us {
		if code != chainHole && geo.Touches(us[chainHole].Geometry, u.Geometry) && (y.Code == "" || code < string(y.Code)) {
			y = u
		}
	}
	if y.Code == "" {
		t.Fatalf("%s borders no sibling", chainHole)
	}
	box := innerBox(t, y.Geometry, 1e-4)
	grown, err := geo.Union(us[chainHole].Geometry, box)
	if err != nil {
		t.Fatal(err)
	}
	hh, _ := x.Properties["households"].(float64)
	u := partition.Unit{Code: chainHole, Name: x.Properties.MustString("name"), Level: partition.LevelMicrogrid, Network: partition.NetworkLand,
		Kind: partition.KindComprehensive, Parent: partition.Code(x.Properties.MustString("parent")), Households: int(hh), Geometry: grown}
	c.step("admin", "POST", "/v1/versions?crs=cgcs2000&note=overlap", changesetBody(t, partition.Changeset{Units: []partition.Unit{u}}), "", 201, "")
	return box, string(y.Code)
}

// routed is what /v1/route answered for a point.
type routed struct {
	Code    string `json:"code"`
	Version int64  `json:"version"`
}

func routeAt(t *testing.T, s *server, area orb.MultiPolygon) routed {
	t.Helper()
	p := area.Bound().Center()
	var r routed
	if err := json.Unmarshal(s.get(fmt.Sprintf("/v1/route?lon=%.9f&lat=%.9f&crs=cgcs2000", p[0], p[1]), 200), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

// warnedUnits are the units that the draft's warning findings name (the
// findings as GET /v1/drafts/{id} shows them).
func warnedUnits(t *testing.T, s *server, id string) []string {
	a := s.send("GET", "/v1/drafts/"+id, "", nil)
	var v struct {
		Findings struct {
			Features []struct {
				Properties struct {
					Severity string   `json:"severity"`
					Parent   string   `json:"parent"`
					Codes    []string `json:"codes"`
				} `json:"properties"`
			} `json:"features"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(a.body), &v); err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, f := range v.Findings.Features {
		if f.Properties.Severity != "warning" {
			continue
		}
		for _, c := range f.Properties.Codes {
			if c != f.Properties.Parent && !slices.Contains(out, c) {
				out = append(out, c)
			}
		}
	}
	slices.Sort(out)
	return out
}

func codesMap(m map[string]string) map[partition.Code]string {
	out := map[partition.Code]string{}
	for k, v := range m {
		out[partition.Code(k)] = v
	}
	return out
}

// filing is a filed draft's version and the moment it takes effect.
type filing struct {
	version   int64
	effective time.Time
}

// fileDraft files the draft as the city's filer.
func fileDraft(t *testing.T, c *chain, id, etag string) filing {
	a := c.step("舟山市-备案", "POST", "/v1/drafts/"+id+"/file", `{"comment": "市级备案"}`, etag, 201, "draft.file")
	v := decode[struct{ Version partition.Version }](t, a.body).Version
	return filing{version: v.Number, effective: v.PublishedAt}
}

// waitRouted routes a point of the overlap until the filed version
// answers: before the moment it takes effect, the base version must;
// after, the filed one, with the sibling that alone covers it now.
func waitRouted(t *testing.T, s *server, hole orb.MultiPolygon, base routed, f filing, want string) {
	t.Helper()
	deadline := f.effective.Add(10 * time.Second)
	for {
		asked := time.Now()
		r := routeAt(t, s, hole)
		switch {
		case r.Version == f.version:
			if asked.Before(f.effective) {
				t.Errorf("routing answered version %d at %v, before it took effect at %v", r.Version, asked, f.effective)
			}
			if r.Code != want {
				t.Errorf("the filed version routes the overlap to %s, want %s", r.Code, want)
			}
			return
		case r.Version != base.Version:
			t.Fatalf("routing answered version %d, neither the base %d nor the filed %d", r.Version, base.Version, f.version)
		case time.Now().After(deadline):
			t.Fatalf("routing still answers version %d, %v after the filed version %d took effect", r.Version, time.Since(f.effective), f.version)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// checkAudit compares the audit log with the writes the test made, and
// checks that the API offers no way to change it.
func checkAudit(t *testing.T, c *chain) {
	t.Helper()
	if a := c.on().send("GET", "/v1/audit", "", nil); a.code != 401 {
		t.Errorf("the audit log without a token: %d, want 401", a.code)
	}
	a := c.step("嵊泗县-审核", "GET", "/v1/audit", "", "", 200, "")
	es := decode[struct{ Entries []partition.AuditEntry }](t, a.body).Entries
	var got []wrote
	for _, e := range es {
		got = append(got, wrote{e.Actor, e.Action})
	}
	if !reflect.DeepEqual(got, c.wrote) {
		t.Errorf("audit log:\n got %v\nwant %v", got, c.wrote)
	}
	for i := 1; i < len(es); i++ {
		if es[i].Seq != es[i-1].Seq+1 || es[i].At.Before(es[i-1].At) {
			t.Errorf("entries %d and %d are out of order: %+v, %+v", i-1, i, es[i-1], es[i])
		}
	}
	a = c.step("嵊泗县-审核", "GET", "/v1/audit?code="+chainHole, "", "", 200, "")
	for _, e := range decode[struct{ Entries []partition.AuditEntry }](t, a.body).Entries {
		if !slices.ContainsFunc(e.Codes, func(x partition.Code) bool { return strings.HasPrefix(string(x), chainHole) }) {
			t.Errorf("?code=%s answered an entry that did not touch it: %+v", chainHole, e)
		}
	}
	for _, m := range []string{"PUT", "PATCH", "DELETE", "POST"} {
		if a := c.step("admin", m, "/v1/audit", "", "", 405, ""); !strings.Contains(a.body, "not allowed") {
			t.Errorf("%s /v1/audit: %.200s", m, a.body)
		}
	}
	c.step("admin", "GET", "/v1/audit?code=33x", "", "", 400, "")
	c.step("admin", "GET", "/v1/audit?since=yesterday", "", "", 400, "")
	c.step("admin", "GET", "/v1/audit?colour=red", "", "", 400, "")
}
