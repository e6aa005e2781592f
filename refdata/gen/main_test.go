package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/silkbridge/silkbridge/datatest"
)

func TestCountriesCSVIsDerivedFromSharedData(t *testing.T) {
	dataDir := "../../../shared/data"
	datatest.Require(t, dataDir)
	rows, err := derive(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := write(&buf, rows); err != nil {
		t.Fatal(err)
	}
	have, err := os.ReadFile(filepath.Join("..", "countries.csv"))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, buf.Bytes()) {
		t.Error("refdata/countries.csv differs from what the generator derives: run go run ./refdata/gen")
	}
}

func TestOverridesReplaceWrongNames(t *testing.T) {
	dataDir := "../../../shared/data"
	datatest.Require(t, dataDir)
	rows, err := derive(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range header {
		col[h] = i
	}
	want := map[[2]string]string{
		{"DM", "name_zh"}: "多米尼克",
		{"DO", "name_zh"}: "多米尼加",
		{"MX", "name_ar"}: "المكسيك",
		{"SZ", "name_ru"}: "Эсватини",
		{"CN", "name_zh"}: "中国", // not overridden: world-countries is right
	}
	for _, r := range rows {
		for k, name := range want {
			if r[0] == k[0] && r[col[k[1]]] != name {
				t.Errorf("%s %s = %q, want %q", k[0], k[1], r[col[k[1]]], name)
			}
		}
	}
}
