package web

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/silkbridge/silkbridge/store"
)

// The world map's boundaries ship inside the binary as TopoJSON (Natural
// Earth 1:110m); an operator whose jurisdiction requires an approved map
// replaces them with --map-file. Either way they are converted once, at
// start, to the GeoJSON that ECharts registers, with each shape named by
// the ISO alpha-2 code of its country so that the map joins the data on
// codes and shows names in the reader's language.

//go:embed geo/countries-110m.topo.json
var defaultTopoJSON []byte

// defaultMapName is what the map page says it shows when no file replaces it.
const defaultMapName = "Natural Earth 1:110m (world-atlas countries-110m.json)"

// worldMap is the converted boundary file.
type worldMap struct {
	// Name says which file the map shows.
	Name string
	// GeoJSON is the FeatureCollection served to the page.
	GeoJSON []byte
	// Codes are the countries that have a shape.
	Codes map[string]bool
}

// loadWorldMap converts path (TopoJSON or GeoJSON; empty: the shipped
// file) into the map the pages use.
func loadWorldMap(path string, ref *store.Reference) (*worldMap, error) {
	data, name := defaultTopoJSON, defaultMapName
	if path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("map file: %w", err)
		}
		data, name = b, filepath.Base(path)
	}
	byAlpha3 := map[string]string{}
	for _, c := range ref.Countries {
		byAlpha3[c.Alpha3] = c.Code
	}
	features, err := geoFeatures(data)
	if err != nil {
		return nil, fmt.Errorf("map file %s: %w", name, err)
	}
	m := &worldMap{Name: name, Codes: map[string]bool{}}
	var out []map[string]any
	for _, f := range features {
		code := featureCountry(f.Properties, byAlpha3, ref)
		// Antarctica holds no partner and, drawn flat, a quarter of the map.
		if code == "" || code == "AQ" || f.Geometry == nil {
			continue
		}
		m.Codes[code] = true
		out = append(out, map[string]any{"type": "Feature", "properties": map[string]string{"name": code}, "geometry": f.Geometry})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("map file %s: no shape names a known country", name)
	}
	m.GeoJSON, err = json.Marshal(map[string]any{"type": "FeatureCollection", "features": out})
	return m, err
}

// featureCountry finds the country of a shape: by alpha-3 first (present
// for France and Norway, which lack alpha-2 here), then by alpha-2.
func featureCountry(props map[string]any, byAlpha3 map[string]string, ref *store.Reference) string {
	get := func(keys ...string) string {
		for k, v := range props {
			for _, want := range keys {
				if strings.EqualFold(k, want) {
					if s, ok := v.(string); ok {
						return strings.ToUpper(s)
					}
				}
			}
		}
		return ""
	}
	for _, a3 := range []string{get("isoA3", "iso_a3"), get("adm0A3", "adm0_a3")} {
		if c := byAlpha3[a3]; c != "" {
			return c
		}
	}
	if a2 := get("isoA2", "iso_a2"); ref.CountryExists(a2) {
		return a2
	}
	return ""
}

type geoFeature struct {
	Properties map[string]any `json:"properties"`
	Geometry   any            `json:"geometry"`
}

// geoFeatures reads a GeoJSON FeatureCollection or the first object of a
// TopoJSON topology.
func geoFeatures(data []byte) ([]geoFeature, error) {
	var head struct {
		Type string `json:"type"`
	}
	if err := json.Unmarshal(data, &head); err != nil {
		return nil, err
	}
	switch head.Type {
	case "FeatureCollection":
		var fc struct {
			Features []geoFeature `json:"features"`
		}
		err := json.Unmarshal(data, &fc)
		return fc.Features, err
	case "Topology":
		return topoFeatures(data)
	}
	return nil, fmt.Errorf("neither GeoJSON nor TopoJSON (type %q)", head.Type)
}

type topology struct {
	Transform *struct {
		Scale     [2]float64 `json:"scale"`
		Translate [2]float64 `json:"translate"`
	} `json:"transform"`
	Arcs    [][][2]float64             `json:"arcs"`
	Objects map[string]json.RawMessage `json:"objects"`
}

type topoGeometry struct {
	Type       string          `json:"type"`
	Arcs       json.RawMessage `json:"arcs"`
	Properties map[string]any  `json:"properties"`
}

// topoFeatures decodes the "countries" object of a topology (or its only
// object): arcs delta-decoded and transformed, rings stitched from arcs,
// negative indexes reversed, as the TopoJSON specification says.
func topoFeatures(data []byte) ([]geoFeature, error) {
	var t topology
	if err := json.Unmarshal(data, &t); err != nil {
		return nil, err
	}
	arcs := make([][][2]float64, len(t.Arcs))
	for i, arc := range t.Arcs {
		var x, y float64
		pts := make([][2]float64, len(arc))
		for j, p := range arc {
			if t.Transform != nil {
				x, y = x+p[0], y+p[1]
				pts[j] = [2]float64{round4(x*t.Transform.Scale[0] + t.Transform.Translate[0]), round4(y*t.Transform.Scale[1] + t.Transform.Translate[1])}
			} else {
				pts[j] = [2]float64{p[0], p[1]}
			}
		}
		arcs[i] = pts
	}
	raw, ok := t.Objects["countries"]
	if !ok {
		for _, o := range t.Objects {
			raw = o
			break
		}
	}
	var coll struct {
		Geometries []topoGeometry `json:"geometries"`
	}
	if err := json.Unmarshal(raw, &coll); err != nil {
		return nil, err
	}
	ring := func(idx []int) [][2]float64 {
		var out [][2]float64
		for k, a := range idx {
			var pts [][2]float64
			if a >= 0 && a < len(arcs) {
				pts = arcs[a]
			} else if ^a >= 0 && ^a < len(arcs) {
				src := arcs[^a]
				pts = make([][2]float64, len(src))
				for j := range src {
					pts[j] = src[len(src)-1-j]
				}
			}
			if k > 0 && len(pts) > 0 {
				pts = pts[1:] // the first point repeats the last of the previous arc
			}
			out = append(out, pts...)
		}
		// Shapes that cross the antimeridian (Russia's Chukotka, Fiji) jump
		// from +180 to -180, which a flat map draws as a line across the
		// world: keep each step under half a turn instead.
		for i := 1; i < len(out); i++ {
			for out[i][0]-out[i-1][0] > 180 {
				out[i][0] -= 360
			}
			for out[i][0]-out[i-1][0] < -180 {
				out[i][0] += 360
			}
		}
		return out
	}
	var out []geoFeature
	for _, g := range coll.Geometries {
		f := geoFeature{Properties: g.Properties}
		switch g.Type {
		case "Polygon":
			var rings [][]int
			if err := json.Unmarshal(g.Arcs, &rings); err != nil {
				return nil, err
			}
			var poly [][][2]float64
			for _, r := range rings {
				poly = append(poly, ring(r))
			}
			f.Geometry = map[string]any{"type": "Polygon", "coordinates": poly}
		case "MultiPolygon":
			var polys [][][]int
			if err := json.Unmarshal(g.Arcs, &polys); err != nil {
				return nil, err
			}
			var multi [][][][2]float64
			for _, p := range polys {
				var poly [][][2]float64
				for _, r := range p {
					poly = append(poly, ring(r))
				}
				multi = append(multi, poly)
			}
			f.Geometry = map[string]any{"type": "MultiPolygon", "coordinates": multi}
		default:
			continue
		}
		out = append(out, f)
	}
	return out, nil
}

func round4(v float64) float64 { return math.Round(v*1e4) / 1e4 }
