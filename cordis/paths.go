package cordis

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Folder names of the two data sets inside shared/data.
const (
	ParticipationsDataSet = "cordis-h2020-participations"
	NamedDataSet          = "eu-rd-projects-named"
)

// Paths are the files of the CORDIS data sets.
type Paths struct {
	Participations string
	ProgrammeParts string
	Crosswalk      string
	// Dashboard and Names come from eu-rd-projects-named.
	Dashboard string
	Names     string
}

// Locate finds the files given either the shared data folder (holding
// cordis-h2020-participations and eu-rd-projects-named) or the
// cordis-h2020-participations folder itself, whose sibling
// eu-rd-projects-named is then used. It checks that every file exists.
func Locate(dir string) (Paths, error) {
	cordisDir, namedDir := filepath.Join(dir, ParticipationsDataSet), filepath.Join(dir, NamedDataSet)
	if !exists(filepath.Join(cordisDir, ParticipationsFile)) && exists(filepath.Join(dir, ParticipationsFile)) {
		cordisDir, namedDir = dir, filepath.Join(dir, "..", NamedDataSet)
	}
	p := Paths{
		Participations: filepath.Join(cordisDir, ParticipationsFile),
		ProgrammeParts: filepath.Join(cordisDir, ProgrammePartsFile),
		Crosswalk:      filepath.Join(cordisDir, filepath.FromSlash(CrosswalkFile)),
		Dashboard:      filepath.Join(namedDir, DashboardFile),
		Names:          filepath.Join(namedDir, NamesFile),
	}
	var missing []string
	for _, f := range []string{p.Participations, p.ProgrammeParts, p.Crosswalk, p.Dashboard, p.Names} {
		if !exists(f) {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		return p, fmt.Errorf("cordis data in %s: not found: %s (give the shared data folder or its %s folder)",
			dir, strings.Join(missing, ", "), ParticipationsDataSet)
	}
	return p, nil
}

func exists(path string) bool {
	st, err := os.Stat(path)
	return err == nil && !st.IsDir()
}
