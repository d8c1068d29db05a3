package api

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/balance"
	"github.com/wangge/wangge/partition/proposal"
	"github.com/wangge/wangge/partition/tiling"
)

// partitionRequest is the body of POST /v1/partition. parent is a Feature
// (or a FeatureCollection, its first polygon) or a stored unit's code;
// current, for rebalancing, is a FeatureCollection of the current children
// or "stored" for the stored children of a stored parent.
type partitionRequest struct {
	Parent     json.RawMessage `json:"parent"`
	Households json.RawMessage `json:"households"`
	Rules      string          `json:"rules"`
	Min        int             `json:"min"`
	Max        int             `json:"max"`
	Level      string          `json:"level"`
	Barriers   json.RawMessage `json:"barriers"`
	Seed       uint64          `json:"seed"`
	CRS        string          `json:"crs"`
	Current    json.RawMessage `json:"current"`
	Method     string          `json:"method"`
	JoinIsles  bool            `json:"join_small_islands"`
	Redivide   bool            `json:"redivide"`
}

// partitionProposal serves POST /v1/partition: a proposed division (or a
// rebalancing) as a FeatureCollection of units in the request's crs that
// publishes as it is, with `report`, `moves`, `retire`, `attention` and
// `tiling` as foreign members (proposal.WriteGeoJSON). Nothing is stored.
// A body member that is not one of partitionRequest's (exactly: "CRS" is
// not "crs") is refused, naming it and the accepted ones.
func (s *Server) partitionProposal(c *gin.Context) {
	data, err := io.ReadAll(s.body(c, s.cfg.MaxBodyBytes))
	if err != nil {
		s.fail(c, err)
		return
	}
	var req partitionRequest
	if err := jsonMembers(req).Members(data); err != nil {
		s.fail(c, err)
		return
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		s.fail(c, invalidf("request body: %v", err))
		return
	}
	r := crs.WGS84
	if req.CRS != "" {
		if r, err = crs.Parse(req.CRS); err != nil {
			s.fail(c, invalidf("crs: %v", err))
			return
		}
	}
	ctx := c.Request.Context()
	in, err := s.partitionInputs(c, &req, crs.Transform(r, crs.CGCS2000))
	if err != nil {
		s.fail(c, err)
		return
	}
	p, err := proposal.Make(ctx, in)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	if err := proposal.WriteGeoJSON(c.Writer, &p, toCRS(r)); err != nil {
		s.log.WarnContext(ctx, "write proposal", "err", err)
	}
}

// jsonMembers are the JSON names of the fields of the struct v.
func jsonMembers(v any) param.Names {
	t := reflect.TypeOf(v)
	names := make(param.Names, 0, t.NumField())
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}

func (s *Server) partitionInputs(c *gin.Context, req *partitionRequest, tr func(orb.Geometry) orb.Geometry) (in proposal.Request, err error) {
	ctx := c.Request.Context()
	level := partition.LevelGrid
	if req.Level != "" {
		if level, err = partition.ParseLevel(req.Level); err != nil {
			return in, invalidf("level: %v", err)
		}
	}
	in.Options = balance.Options{Min: req.Min, Max: req.Max, Level: level, Seed: req.Seed, Method: req.Method, JoinSmallIslands: req.JoinIsles}
	if req.Rules == "" && req.Min == 0 && req.Max == 0 {
		return in, invalidf("give rules, or min and max (or both: min and max then override the rule set's band for the level)")
	}
	if req.Rules != "" {
		if in.Rules, err = tiling.Rules(req.Rules, nil); err != nil {
			return in, err
		}
		if req.Min == 0 && req.Max == 0 {
			if in.Options.Min, in.Options.Max, err = balance.Band(in.Rules, level); err != nil {
				return in, err
			}
		}
	}
	if req.Redivide && in.Rules == nil {
		return in, invalidf("redivide: give rules, whose band for the level below re-divides the children of changed units")
	}
	in.Redivide, in.Store = req.Redivide, s.store
	var code string
	switch {
	case len(req.Parent) == 0:
		return in, invalidf("parent: give a Feature or a stored unit's code")
	case json.Unmarshal(req.Parent, &code) == nil:
		if in.Parent, err = s.store.Unit(ctx, partition.Code(code), partition.AsOf{}); err != nil {
			return in, err
		}
	default:
		if in.Parent, err = balance.DecodeParent(req.Parent, tr); err != nil {
			return in, err
		}
	}
	if len(req.Households) == 0 {
		return in, invalidf("households: give a FeatureCollection of Points")
	}
	if in.Households, err = balance.DecodeHouseholds(req.Households, tr, s.cfg.MaxFeatures); err != nil {
		return in, err
	}
	if len(req.Barriers) > 0 {
		if in.Options.Barriers, err = balance.DecodeBarriers(req.Barriers, tr, s.cfg.MaxFeatures); err != nil {
			return in, err
		}
	}
	return in, s.currentChildren(c, req, &in, code, tr)
}

func (s *Server) currentChildren(c *gin.Context, req *partitionRequest, in *proposal.Request, code string, tr func(orb.Geometry) orb.Geometry) error {
	var word string
	switch {
	case len(req.Current) == 0 || string(req.Current) == "null":
		return nil
	case json.Unmarshal(req.Current, &word) == nil:
		if word != "stored" || code == "" {
			return invalidf(`current: give a FeatureCollection, or "stored" with a stored parent's code`)
		}
		return s.store.Units(c.Request.Context(), partition.Query{Parent: partition.Code(code)}, func(u partition.Unit) error {
			if u.Polygonal() && len(u.Geometry) > 0 {
				in.Current = append(in.Current, u)
			}
			return nil
		})
	}
	units, err := balance.DecodeUnits(req.Current, tr, s.cfg.MaxFeatures)
	if err != nil {
		return err
	}
	in.Current = balance.CurrentOf(in.Parent.Code, units)
	return nil
}
