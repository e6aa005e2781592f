package store

import (
	"errors"
	"io/fs"
	"sort"
)

// The migrations that are the same SQL on both engines live once, in
// migrations/common; migrations/<engine> holds only what differs (full-text
// search, BLOB against BYTEA...). A file in the engine's folder wins over a
// common file of the same name, so an engine can take over a shared step
// without renumbering, and files that exist in one engine's folder alone
// are served as they are. Version numbers and file names are those goose
// has always recorded, so installed databases migrate unchanged.

// engineMigrations returns the migration files of engine e.
func engineMigrations(e Engine) (fs.FS, error) {
	top, err := fs.Sub(migrations, "migrations/"+string(e))
	if err != nil {
		return nil, err
	}
	base, err := fs.Sub(migrations, "migrations/common")
	if err != nil {
		return nil, err
	}
	return overlayFS{top: top, base: base}, nil
}

// overlayFS serves the files of top, and those of base whose names top does
// not have.
type overlayFS struct{ top, base fs.FS }

// Open opens name in top, or in base when top has no such file.
func (o overlayFS) Open(name string) (fs.File, error) {
	f, err := o.top.Open(name)
	if err == nil || !errors.Is(err, fs.ErrNotExist) {
		return f, err
	}
	return o.base.Open(name)
}

// ReadDir lists both folders as one, sorted by name, top's entry winning
// where both have a name. fs.Glob (which goose uses) lists through it.
func (o overlayFS) ReadDir(name string) ([]fs.DirEntry, error) {
	seen := map[string]bool{}
	var out []fs.DirEntry
	found := false
	for _, fsys := range []fs.FS{o.top, o.base} {
		entries, err := fs.ReadDir(fsys, name)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		found = true
		for _, e := range entries {
			if !seen[e.Name()] {
				seen[e.Name()] = true
				out = append(out, e)
			}
		}
	}
	if !found {
		return nil, &fs.PathError{Op: "readdir", Path: name, Err: fs.ErrNotExist}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name() < out[j].Name() })
	return out, nil
}
