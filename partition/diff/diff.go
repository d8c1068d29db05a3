package diff

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"github.com/wangge/wangge/geo"
	"github.com/wangge/wangge/partition"
	"github.com/wangge/wangge/partition/household"
)

// Options say how households are counted and which pieces are too small to
// report.
type Options struct {
	// Layer counts the households and population of each piece; nil: a
	// piece holds its source unit's in proportion to its share of that
	// unit's area (household.Share), and is marked Estimated.
	Layer *household.Layer
	// AreaTolerance: a piece of this area or less is not reported, and a
	// geometry that changed by no more (the area of the symmetric
	// difference) is not an attribute change. 0 means the default, 1 m².
	AreaTolerance geo.SquareMeters
}

// defaultTolerance is DefaultOptions' AreaTolerance: far below a household's
// footprint, above the overlay's noise along a few kilometres of shared
// border given with 6 decimals (±0.1 m).
const defaultTolerance geo.SquareMeters = 1

// DefaultOptions are no layer and 1 m².
func DefaultOptions() Options { return Options{AreaTolerance: defaultTolerance} }

// Result is what changed between two states of a division.
type Result struct {
	// Pieces are the areas that changed hands, in level order, then
	// network, From and To.
	Pieces []Piece
	// Added are the codes only in the later state, Removed those only in
	// the earlier one, sorted.
	Added, Removed []partition.Code
	// Changed are the attribute changes of the units in both states, by
	// code, then in the order of Fields.
	Changed []AttributeChange
	Summary Summary
}

// Piece is the area that unit From held in the earlier state and unit To
// holds in the later one. From is empty for area that no unit of its level
// and network held before (gained from nobody), To for area that none holds
// after (lost to nobody).
type Piece struct {
	From, To partition.Code
	Level    partition.Level
	Network  partition.Network
	Area     geo.SquareMeters
	// Households and Population are counted in the layer, or estimated
	// from the source unit (none for a piece from nobody) when Estimated.
	Households, Population int
	Estimated              bool
	// Geometry is the piece, lon/lat on CGCS2000.
	Geometry orb.MultiPolygon
}

// The fields an AttributeChange names, in the order Changed lists them.
const (
	FieldName       = "name"
	FieldLevel      = "level"
	FieldKind       = "kind"
	FieldNetwork    = "network"
	FieldParent     = "parent"
	FieldHouseholds = "households"
	FieldPopulation = "population"
	FieldStaff      = "staff"
	FieldProps      = "props"
	FieldGeometry   = "geometry"
)

// Fields are the fields compared, in order.
var Fields = []string{FieldName, FieldLevel, FieldKind, FieldNetwork, FieldParent,
	FieldHouseholds, FieldPopulation, FieldStaff, FieldProps, FieldGeometry}

// AttributeChange is one field of a unit that differs between the states.
// From and To are the field's values (partition.Level, Kind, Network and
// Code, string, int, []partition.Staff, map[string]any); for geometry they
// are the areas before and after (geo.SquareMeters).
type AttributeChange struct {
	Code     partition.Code `json:"code"`
	Field    string         `json:"field"`
	From, To any
}

// Summary counts what changed.
type Summary struct {
	Pieces  int `json:"pieces"`
	Added   int `json:"added"`
	Removed int `json:"removed"`
	// Changed is the number of units with at least one attribute change.
	Changed int `json:"changed"`
	// Levels total the pieces of each level and network, in level order.
	Levels []LevelSummary `json:"levels"`
}

// LevelSummary is the area, households and population that changed hands
// at one level of one network, pieces to and from nobody included.
type LevelSummary struct {
	Level      partition.Level   `json:"level"`
	Network    partition.Network `json:"network"`
	Pieces     int               `json:"pieces"`
	Area       geo.SquareMeters  `json:"area_m2"`
	Households int               `json:"households"`
	Population int               `json:"population"`
}

// Compare returns the differences from one state of a subtree (from) to
// another (to): see the package documentation for what a piece is. A code
// that appears twice in one state, or a negative tolerance, is an Invalid
// error; an overlay that fails is returned as an error naming the units.
func Compare(ctx context.Context, from, to []partition.Unit, opts Options) (Result, error) {
	if opts.AreaTolerance < 0 {
		return Result{}, partition.Errorf(partition.Invalid, "area tolerance must not be negative, got %g m²", opts.AreaTolerance)
	}
	if opts.AreaTolerance == 0 {
		opts.AreaTolerance = defaultTolerance
	}
	before, err := newState("from", from)
	if err != nil {
		return Result{}, err
	}
	after, err := newState("to", to)
	if err != nil {
		return Result{}, err
	}
	c := comparer{ctx: ctx, opts: opts, before: before, after: after}
	var r Result
	r.Added, r.Removed = onlyIn(after, before), onlyIn(before, after)
	if r.Changed, err = c.attributes(); err != nil {
		return Result{}, err
	}
	if r.Pieces, err = c.pieces(); err != nil {
		return Result{}, err
	}
	sortPieces(r.Pieces)
	r.Summary = summarize(&r)
	return r, nil
}

// comparer holds what one Compare works on.
type comparer struct {
	ctx           context.Context
	opts          Options
	before, after *state
}

// onlyIn returns the codes of a that b does not have, sorted.
func onlyIn(a, b *state) []partition.Code {
	out := []partition.Code{}
	for _, u := range a.units {
		if _, ok := b.byCode[u.Code]; !ok {
			out = append(out, u.Code)
		}
	}
	slices.Sort(out)
	return out
}

// sortPieces orders pieces by level (from the top down), network, From, To.
func sortPieces(ps []Piece) {
	slices.SortFunc(ps, func(a, b Piece) int {
		return cmp.Or(
			cmp.Compare(a.Level.Depth(), b.Level.Depth()), cmp.Compare(a.Level, b.Level),
			cmp.Compare(a.Network, b.Network), cmp.Compare(a.From, b.From), cmp.Compare(a.To, b.To))
	})
}

// summarize counts r's pieces (in order), added, removed and changed units.
func summarize(r *Result) Summary {
	s := Summary{Pieces: len(r.Pieces), Added: len(r.Added), Removed: len(r.Removed), Levels: []LevelSummary{}}
	for i, ch := range r.Changed {
		if i == 0 || r.Changed[i-1].Code != ch.Code {
			s.Changed++
		}
	}
	for _, p := range r.Pieces {
		n := len(s.Levels)
		if n == 0 || s.Levels[n-1].Level != p.Level || s.Levels[n-1].Network != p.Network {
			s.Levels = append(s.Levels, LevelSummary{Level: p.Level, Network: p.Network})
			n++
		}
		l := &s.Levels[n-1]
		l.Pieces++
		l.Area += p.Area
		l.Households += p.Households
		l.Population += p.Population
	}
	return s
}

// checkContext returns the context's error, wrapped, once it is done.
func (c *comparer) checkContext() error {
	if err := c.ctx.Err(); err != nil {
		return fmt.Errorf("compare: %w", err)
	}
	return nil
}
