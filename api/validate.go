package api

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/wangge/wangge/api/internal/param"
	"github.com/wangge/wangge/geo/crs"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/tiling"
)

// checkOptions parses rules, area_tolerance and sliver_width. Rule sets are
// the built-in ones only: the server reads no files a client names.
func checkOptions(c *gin.Context) (tiling.Options, error) {
	opts := tiling.DefaultOptions()
	rs, err := tiling.Rules(c.Query("rules"), nil)
	if err != nil {
		return opts, err
	}
	opts.Rules = rs
	for _, p := range []struct {
		name string
		dst  *float64
	}{{"area_tolerance", (*float64)(&opts.AreaTolerance)}, {"sliver_width", (*float64)(&opts.SliverWidth)}} {
		if v := c.Query(p.name); v != "" {
			f, err := param.Float(v)
			if err != nil || f < 0 {
				return opts, invalidf("%s %q: want a finite number ≥ 0", p.name, v)
			}
			*p.dst = f
		}
	}
	return opts, nil
}

// howToName tells a client how to give the parent a proposal lacks.
const howToName = "check them against the stored parent with parent=CODE, or include the parent in the collection"

// validateProposal serves POST /v1/validate[?parent=CODE&siblings=&as_of=]:
// the tiling check of a posted FeatureCollection, which is not stored. The
// answer is a FeatureCollection of findings with `errors`, `warnings` and
// the per-parent `summary`. A collection in which some unit would be
// checked against nothing (its parent neither posted nor named by parent=)
// is refused, as is one with no parent and child at all. With parent=, the
// stored parent and (unless siblings=false) its stored children that the
// collection does not hold complete the family: it is checked as it would
// be after publishing the collection (tiling.Against). Any other query
// parameter is refused (server.go), so that a misspelt `parent` is not
// silently a check against nothing.
func (s *Server) validateProposal(c *gin.Context) {
	r, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	opts, err := checkOptions(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	body := s.body(c, s.cfg.MaxBodyBytes)
	units, err := tiling.ReadUnits(body, crs.Transform(r, crs.CGCS2000), s.cfg.MaxFeatures, s.cfg.Limits)
	if err != nil {
		s.fail(c, err)
		return
	}
	if units, err = s.againstStored(c, units); err != nil {
		s.fail(c, err)
		return
	}
	fams, err := tiling.Checkable(units, howToName)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.runCheck(c, tiling.Slice(fams), opts, r)
}

// againstStored completes units with the stored unit of `parent` and its
// stored children, when parent= is given.
func (s *Server) againstStored(c *gin.Context, units []partition.Unit) ([]partition.Unit, error) {
	code := c.Query("parent")
	siblings := true
	if v := c.Query("siblings"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, invalidf("siblings %q: want true or false", v)
		}
		siblings = b
	}
	if code == "" {
		if c.Query("siblings") != "" || c.Query("as_of") != "" {
			return nil, invalidf("siblings and as_of go with parent=CODE")
		}
		return units, nil
	}
	at, err := s.asOf(c)
	if err != nil {
		return nil, err
	}
	fam, _, err := tiling.StoredFamily(c.Request.Context(), s.store, partition.Code(code), at)
	if err != nil {
		return nil, err
	}
	if !siblings {
		fam.Children = nil
	}
	return tiling.Against(units, *fam.Parent, fam.Children)
}

// validateStored serves GET /v1/validate?root=CODE[&as_of=]: the tiling
// check of the stored hierarchy under root.
func (s *Server) validateStored(c *gin.Context) {
	root := c.Query("root")
	if root == "" {
		s.fail(c, invalidf("root: give the code of the unit whose hierarchy to check"))
		return
	}
	r, err := outCRS(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	opts, err := checkOptions(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	at, err := s.asOf(c)
	if err != nil {
		s.fail(c, err)
		return
	}
	s.runCheck(c, tiling.Stored(c.Request.Context(), s.store, partition.Code(root), at), opts, r)
}

func (s *Server) runCheck(c *gin.Context, fams iter.Seq2[tiling.Family, error], opts tiling.Options, r crs.CRS) {
	rep, err := tiling.Run(c.Request.Context(), fams, opts, 0, nil)
	if err != nil {
		s.fail(c, err)
		return
	}
	c.Header("Content-Type", "application/geo+json")
	c.Status(http.StatusOK)
	if err := tiling.WriteGeoJSON(c.Writer, &rep, crs.Transform(crs.CGCS2000, r), 0); err != nil {
		s.log.WarnContext(c.Request.Context(), "write findings", "err", err)
	}
}

// findings runs the tiling check, with the default tolerances and no rule
// set, on every hierarchy of version n: the OGC API's findings collection.
func (s *Server) findings(ctx context.Context, n int64) ([]partition.Finding, error) {
	at := partition.AsOf{Version: n}
	var roots []partition.Code
	err := s.store.Units(ctx, partition.Query{AsOf: at, Roots: true, NoGeometry: true}, func(u partition.Unit) error {
		roots = append(roots, u.Code)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("roots of version %d: %w", n, err)
	}
	all := func(yield func(tiling.Family, error) bool) {
		for _, r := range roots {
			for f, err := range tiling.Stored(ctx, s.store, r, at) {
				if !yield(f, err) || err != nil {
					return
				}
			}
		}
	}
	rep, err := tiling.Run(ctx, all, tiling.DefaultOptions(), 0, nil)
	if err != nil {
		return nil, err
	}
	return rep.Findings, nil
}
