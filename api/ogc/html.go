package ogc

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"math"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"github.com/paulmach/orb"

	"github.com/wangge/wangge/partition"
)

//go:embed templates/*.html
var templateFS embed.FS

// pages are the parsed HTML templates, one per resource.
type pages struct{ t *template.Template }

func newPages() *pages {
	t := template.Must(template.New("").Funcs(template.FuncMap{"svg": svg}).ParseFS(templateFS, "templates/*.html"))
	return &pages{t: t}
}

// html renders the named page with data, whole, before sending it.
func (h *Handler) html(c *gin.Context, name string, data any) {
	var buf bytes.Buffer
	if err := h.pages.t.ExecuteTemplate(&buf, name+".html", pageData{Title: h.cfg.Title, Base: baseURL(c), Data: data}); err != nil {
		h.cfg.Fail(c, fmt.Errorf("render %s page: %w", name, err))
		return
	}
	c.Data(http.StatusOK, "text/html; charset=utf-8", buf.Bytes())
}

// pageData is what every page gets.
type pageData struct {
	Title string
	Base  string
	Data  any
}

// itemsPage is the data of the items page.
type itemsPage struct {
	Collection Collection
	Units      []partition.Unit
	Page       *page
	Links      []link
	Capped     bool // the limit was lowered to MaxHTML
}

// itemPage is the data of one feature's page.
type itemPage struct {
	Collection Collection
	Unit       partition.Unit
	Units      []partition.Unit // the unit alone, for the map
	Links      []link
}

// itemsHTML renders a page of items (at most MaxHTML of them).
func (h *Handler) itemsHTML(c *gin.Context, r *itemsRequest, p *page) {
	data := itemsPage{Collection: r.col, Page: p}
	if r.limit > h.cfg.MaxHTML {
		r.limit, data.Capped = h.cfg.MaxHTML, true
	}
	err := h.each(c.Request.Context(), r, p, func(u *partition.Unit) error {
		data.Units = append(data.Units, *u)
		return nil
	})
	if err != nil {
		h.cfg.Fail(c, err)
		return
	}
	data.Links = h.itemsLinks(c, r, p, true)
	h.html(c, "items", data)
}

// svg draws units as an inline SVG map (north up, lon/lat scaled by the
// cosine of the latitude), each polygon linked to its feature page.
func svg(base, col string, units []partition.Unit) template.HTML {
	var b orb.Bound
	n := 0
	for _, u := range units {
		if u.Geometry == nil {
			continue
		}
		if n == 0 {
			b = u.Geometry.Bound()
		} else {
			b = b.Union(u.Geometry.Bound())
		}
		n++
	}
	if n == 0 || b.Max[0] == b.Min[0] || b.Max[1] == b.Min[1] {
		return ""
	}
	const w = 640.0
	k := cosDeg(b.Center()[1])
	sx := w / ((b.Max[0] - b.Min[0]) * k)
	ht := (b.Max[1] - b.Min[1]) * sx
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" class="map">`, w, ht, w, ht)
	for _, u := range units {
		if u.Geometry == nil {
			continue
		}
		fmt.Fprintf(&s, `<a href="%s/collections/%s/items/%s?f=html"><path fill-rule="evenodd" d="`, template.HTMLEscapeString(base), col, u.Code)
		for _, poly := range u.Geometry {
			for _, ring := range poly {
				for i, pt := range ring {
					cmd := "L"
					if i == 0 {
						cmd = "M"
					}
					fmt.Fprintf(&s, "%s%.1f %.1f", cmd, (pt[0]-b.Min[0])*k*sx, (b.Max[1]-pt[1])*sx)
				}
				s.WriteString("Z")
			}
		}
		fmt.Fprintf(&s, `"><title>%s %s</title></path></a>`, u.Code, template.HTMLEscapeString(u.Name))
	}
	s.WriteString("</svg>")
	return template.HTML(s.String()) // built from numbers and escaped text only
}

func cosDeg(lat float64) float64 { return math.Cos(lat * math.Pi / 180) }
