package cordis

import (
	"archive/zip"
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// The official CORDIS exports (cordis-h2020projects-csv.zip,
// cordis-HORIZONprojects-csv.zip, or their unpacked folders) hold
// project.csv, organization.csv, topics.csv and legalBasis.csv: ';'
// separated, quoted, UTF-8, with a header. Columns were added over the
// years, so the readers map them by header name, require only the few
// they cannot do without and leave the others empty when absent.

// Official export file names.
const (
	OfficialProjects       = "project.csv"
	OfficialOrganisations  = "organization.csv"
	OfficialTopics         = "topics.csv"
	OfficialLegalBasisFile = "legalBasis.csv"
)

// OfficialExport is an official export, a folder or a zip archive.
type OfficialExport struct {
	dir string
	zip *zip.ReadCloser
}

// OpenOfficial opens the export at p (a folder or a .zip). Close releases it.
func OpenOfficial(p string) (*OfficialExport, error) {
	if strings.HasSuffix(strings.ToLower(p), ".zip") {
		z, err := zip.OpenReader(p)
		if err != nil {
			return nil, err
		}
		return &OfficialExport{zip: z}, nil
	}
	st, err := os.Stat(p)
	if err != nil {
		return nil, err
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("%s: neither a folder nor a .zip of the official CORDIS export", p)
	}
	return &OfficialExport{dir: p}, nil
}

// Close releases the archive.
func (e *OfficialExport) Close() error {
	if e.zip != nil {
		return e.zip.Close()
	}
	return nil
}

// matches says whether a file of the export is the named one, plain or
// gzipped, bare or with a prefix such as "HE_".
func matches(file, name string) bool {
	f := strings.ToLower(path.Base(filepath.ToSlash(file)))
	f = strings.TrimSuffix(f, ".gz")
	n := strings.ToLower(name)
	return f == n || strings.HasSuffix(f, "_"+n)
}

// Has reports whether the export holds the named file.
func (e *OfficialExport) Has(name string) bool {
	rc, _, err := e.open(name)
	if err != nil {
		return false
	}
	rc.Close()
	return true
}

func (e *OfficialExport) open(name string) (io.ReadCloser, string, error) {
	if e.zip != nil {
		for _, f := range e.zip.File {
			if matches(f.Name, name) {
				rc, err := f.Open()
				return rc, f.Name, err
			}
		}
		return nil, "", fmt.Errorf("%s: not in the archive", name)
	}
	entries, err := os.ReadDir(e.dir)
	if err != nil {
		return nil, "", err
	}
	for _, d := range entries {
		if !d.IsDir() && matches(d.Name(), name) {
			f, err := os.Open(filepath.Join(e.dir, d.Name()))
			return f, d.Name(), err
		}
	}
	return nil, "", fmt.Errorf("%s: not in %s", name, e.dir)
}

// officialTable reads one file of the export.
type officialTable struct {
	file    string
	csv     *csv.Reader
	closers []io.Closer
	pos     map[string]int
	rec     []string
	row     int
}

func (e *OfficialExport) table(name string, required ...string) (*officialTable, error) {
	rc, file, err := e.open(name)
	if err != nil {
		return nil, err
	}
	r, zc, err := decompress(rc)
	if err != nil {
		rc.Close()
		return nil, &RowError{File: file, Err: err}
	}
	t := &officialTable{file: file, closers: []io.Closer{rc}}
	if zc != nil {
		t.closers = append(t.closers, zc)
	}
	if name != OfficialProjects {
		// Only project.csv has text over several lines (objective), so
		// the other files can be repaired line by line.
		pr := repairQuotes(r)
		t.closers = append(t.closers, pr)
		r = pr
	}
	t.csv = csv.NewReader(r)
	t.csv.Comma = ';'
	t.csv.LazyQuotes = true
	header, err := t.csv.Read()
	if err != nil {
		t.close()
		if errors.Is(err, io.EOF) {
			err = errors.New("empty file, expected a header")
		}
		return nil, &RowError{File: file, Err: err}
	}
	t.pos = map[string]int{}
	for i, h := range header {
		h = strings.TrimSpace(strings.TrimPrefix(h, "\ufeff"))
		if _, dup := t.pos[h]; !dup {
			t.pos[h] = i
		}
	}
	var missing []string
	for _, c := range required {
		if _, ok := t.pos[c]; !ok {
			missing = append(missing, strconv.Quote(c))
		}
	}
	if len(missing) > 0 {
		t.close()
		return nil, &RowError{File: file, Err: fmt.Errorf("missing column(s) %s", strings.Join(missing, ", "))}
	}
	t.csv.FieldsPerRecord = len(header)
	t.row = 1
	return t, nil
}

func (t *officialTable) close() error {
	var first error
	for i := len(t.closers) - 1; i >= 0; i-- {
		if err := t.closers[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

func (t *officialTable) next() error {
	rec, err := t.csv.Read()
	t.row++
	if err != nil {
		if errors.Is(err, io.EOF) {
			return io.EOF
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) && !errors.Is(pe.Err, csv.ErrFieldCount) {
			// The rest of the file cannot be trusted.
			return fmt.Errorf("%s: %w", t.file, err)
		}
		return &RowError{File: t.file, Row: t.row, Err: err}
	}
	t.rec = rec
	return nil
}

// get returns the column's value, "" when the export lacks the column.
func (t *officialTable) get(col string) string {
	if i, ok := t.pos[col]; ok {
		return strings.TrimSpace(t.rec[i])
	}
	return ""
}

func (t *officialTable) errorf(col, format string, args ...any) error {
	return &RowError{File: t.file, Row: t.row, Column: col, Err: fmt.Errorf(format, args...)}
}

// amount reads a euro amount written with a dot or a comma for decimals.
func (t *officialTable) amount(col string) (float64, error) {
	v := t.get(col)
	if v == "" {
		return 0, nil
	}
	if !strings.Contains(v, ".") {
		v = strings.Replace(v, ",", ".", 1)
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0, t.errorf(col, "%q is not an amount in euro", t.get(col))
	}
	return f, nil
}

func (t *officialTable) date(col string) (time.Time, error) {
	v := t.get(col)
	if v == "" {
		return time.Time{}, nil
	}
	d, err := time.Parse("2006-01-02", v)
	if err != nil {
		return time.Time{}, t.errorf(col, "%q is not a date (YYYY-MM-DD)", v)
	}
	return d, nil
}

func (t *officialTable) required(col string) (string, error) {
	v := t.get(col)
	if v == "" {
		return "", t.errorf(col, "empty")
	}
	return v, nil
}

// OfficialTopic is one row of topics.csv.
type OfficialTopic struct{ ProjectID, Topic, Title string }

// OfficialLegalBasis is one row of legalBasis.csv; Main marks the
// project's main programme part (uniqueProgrammePart).
type OfficialLegalBasis struct {
	ProjectID, LegalBasis, Title string
	Main                         bool
}

// OfficialProject is one row of project.csv.
type OfficialProject struct {
	ID, Acronym, Status, Title, RCN        string
	StartDate, EndDate                     time.Time
	TotalCost, ECMaxContribution           float64
	LegalBasis, Topics, FrameworkProgramme string
	FundingScheme, Objective, MasterCall   string
}

// OfficialParticipant is one row of organization.csv: an organisation's
// part in a project.
type OfficialParticipant struct {
	ProjectID, PIC, Name, ShortName, ActivityType string
	City, Country, CORDISCountry, Role            string
	SME                                           bool
	ECContribution                                float64
	Order                                         int
}

// officialRoles are the roles organization.csv uses, with the record's
// word for each.
var officialRoles = map[string]string{"coordinator": "coordinator", "participant": "participant", "partner": "partner",
	"thirdparty": "partner", "associatedpartner": "partner", "internationalpartner": "partner", "beneficiary": "participant"}

// EachTopic calls fn for every row of topics.csv; a bad row is passed to
// refuse and skipped.
func (e *OfficialExport) EachTopic(fn func(OfficialTopic) error, refuse func(error) error) error {
	return e.each(OfficialTopics, []string{"projectID", "topic"}, refuse, func(t *officialTable) error {
		id, err := t.required("projectID")
		if err != nil {
			return err
		}
		topic, err := t.required("topic")
		if err != nil {
			return err
		}
		return fn(OfficialTopic{ProjectID: id, Topic: topic, Title: t.get("title")})
	})
}

// EachLegalBasis calls fn for every row of legalBasis.csv.
func (e *OfficialExport) EachLegalBasis(fn func(OfficialLegalBasis) error, refuse func(error) error) error {
	return e.each(OfficialLegalBasisFile, []string{"projectID", "legalBasis"}, refuse, func(t *officialTable) error {
		id, err := t.required("projectID")
		if err != nil {
			return err
		}
		lb, err := t.required("legalBasis")
		if err != nil {
			return err
		}
		main := strings.EqualFold(t.get("uniqueProgrammePart"), "true")
		return fn(OfficialLegalBasis{ProjectID: id, LegalBasis: lb, Title: t.get("title"), Main: main})
	})
}

// EachProject calls fn for every row of project.csv.
func (e *OfficialExport) EachProject(fn func(OfficialProject) error, refuse func(error) error) error {
	return e.each(OfficialProjects, []string{"id", "title"}, refuse, func(t *officialTable) error {
		var p OfficialProject
		var err error
		if p.ID, err = t.required("id"); err != nil {
			return err
		}
		if p.Title, err = t.required("title"); err != nil {
			return err
		}
		p.Title = CleanName(p.Title)
		p.Acronym, p.Status, p.RCN = t.get("acronym"), t.get("status"), t.get("rcn")
		p.LegalBasis, p.Topics, p.FrameworkProgramme = t.get("legalBasis"), t.get("topics"), t.get("frameworkProgramme")
		p.FundingScheme, p.Objective, p.MasterCall = t.get("fundingScheme"), t.get("objective"), t.get("masterCall")
		if p.StartDate, err = t.date("startDate"); err != nil {
			return err
		}
		if p.EndDate, err = t.date("endDate"); err != nil {
			return err
		}
		if !p.StartDate.IsZero() && !p.EndDate.IsZero() && p.EndDate.Before(p.StartDate) {
			return t.errorf("endDate", "%s is before the start %s", t.get("endDate"), t.get("startDate"))
		}
		if p.TotalCost, err = t.amount("totalCost"); err != nil {
			return err
		}
		if p.ECMaxContribution, err = t.amount("ecMaxContribution"); err != nil {
			return err
		}
		return fn(p)
	})
}

// EachParticipant calls fn for every row of organization.csv.
func (e *OfficialExport) EachParticipant(fn func(OfficialParticipant) error, refuse func(error) error) error {
	return e.each(OfficialOrganisations, []string{"projectID", "organisationID", "name", "country", "role"}, refuse, func(t *officialTable) error {
		var p OfficialParticipant
		var err error
		if p.ProjectID, err = t.required("projectID"); err != nil {
			return err
		}
		if p.PIC, err = t.required("organisationID"); err != nil {
			return err
		}
		if _, err := strconv.ParseUint(p.PIC, 10, 64); err != nil || len(p.PIC) != 9 {
			return t.errorf("organisationID", "%q is not a PIC (nine digits)", p.PIC)
		}
		p.Name, p.ShortName = CleanName(t.get("name")), CleanName(t.get("shortName"))
		p.City = t.get("city")
		p.CORDISCountry = strings.ToUpper(t.get("country"))
		if !isCountryCode(p.CORDISCountry) {
			return t.errorf("country", "%q is not a two-letter country code", t.get("country"))
		}
		p.Country = ISOCountry(p.CORDISCountry)
		p.ActivityType = strings.ToUpper(t.get("activityType"))
		if p.ActivityType != "" && !isActivityType(p.ActivityType) {
			return t.errorf("activityType", "%q is not an activity type (%s)", t.get("activityType"), strings.Join(ActivityTypes, ", "))
		}
		role, ok := officialRoles[strings.ToLower(t.get("role"))]
		if !ok {
			return t.errorf("role", "%q is not a role (coordinator, participant, partner, thirdParty, associatedPartner)", t.get("role"))
		}
		p.Role = role
		p.SME = strings.EqualFold(t.get("SME"), "true")
		if p.ECContribution, err = t.amount("ecContribution"); err != nil {
			return err
		}
		if v := t.get("order"); v != "" {
			if p.Order, err = strconv.Atoi(v); err != nil {
				return t.errorf("order", "%q is not a whole number", v)
			}
		}
		return fn(p)
	})
}

// each runs row over every row of a file; a *RowError from reading or
// from row goes to refuse, any other error stops.
func (e *OfficialExport) each(name string, required []string, refuse func(error) error, row func(*officialTable) error) error {
	t, err := e.table(name, required...)
	if err != nil {
		return err
	}
	defer t.close()
	for {
		err := t.next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err == nil {
			err = row(t)
		}
		var re *RowError
		if errors.As(err, &re) {
			if err := refuse(err); err != nil {
				return err
			}
			continue
		}
		if err != nil {
			return err
		}
	}
}

// Some exports write a value that itself begins and ends with a quote
// without quoting it again: ;""Combining ... ""Fit for 55"" ... (ZEWT)""
// (two rows of HE_topics.csv). As CSV that is an empty field followed by
// text, and the row falls apart. An empty quoted field is never followed
// by text, so ;""X (X not a quote or separator) is read as the start of
// a field holding a quote, and X"" before a separator or the end of the
// line as its end.
var (
	badQuoteStart = regexp.MustCompile(`(^|;)""([^";\r\n])`)
	badQuoteEnd   = regexp.MustCompile(`([^";])""(;|\r?$)`)
)

func repairQuotes(r io.Reader) *io.PipeReader {
	pr, pw := io.Pipe()
	go func() {
		br := bufio.NewReaderSize(r, 64<<10)
		bw := bufio.NewWriterSize(pw, 64<<10)
		for {
			line, err := br.ReadString('\n')
			if line != "" {
				body := strings.TrimSuffix(line, "\n")
				if strings.Contains(body, `""`) {
					body = badQuoteStart.ReplaceAllString(body, `$1"""$2`)
					body = badQuoteEnd.ReplaceAllString(body, `$1"""$2`)
				}
				bw.WriteString(body)
				if strings.HasSuffix(line, "\n") {
					bw.WriteByte('\n')
				}
			}
			if err != nil {
				if errors.Is(err, io.EOF) {
					err = bw.Flush()
				}
				pw.CloseWithError(err)
				return
			}
		}
	}()
	return pr
}
