// Package datasets owns the project's data: the 58-category taxonomy and its
// departments (embedded, validated on load, city-overridable), and the
// labelled corpus with its deterministic splits.
package datasets

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

//go:embed taxonomy.tsv
var taxonomyTSV string

//go:embed departments.tsv
var departmentsTSV string

// CategoryCount is the number of categories of the taxonomy.
const CategoryCount = 58

// Urgency is the urgency of a report.
type Urgency string

// The urgencies, from most to least pressing.
const (
	Urgent  Urgency = "urgent"  // 紧急
	General Urgency = "general" // 一般
	Consult Urgency = "consult" // 咨询
)

// Valid reports whether u is one of the three urgencies.
func (u Urgency) Valid() bool { return u == Urgent || u == General || u == Consult }

// Chinese returns the urgency's Chinese name.
func (u Urgency) Chinese() string {
	switch u {
	case Urgent:
		return "紧急"
	case General:
		return "一般"
	case Consult:
		return "咨询"
	}
	return string(u)
}

// Category is one category of the taxonomy.
type Category struct {
	Code    string   `json:"code"`
	Group   string   `json:"group"`
	Name    string   `json:"name"`
	Scope   string   `json:"scope"`
	Lead    string   `json:"lead_dept"`
	Co      []string `json:"co_depts"`
	Urgency Urgency  `json:"default_urgency"`
}

// Department is a department that can be dispatched to.
type Department struct {
	Code string `json:"code"`
	Name string `json:"name"`
}

// Taxonomy is the validated set of categories and departments.
type Taxonomy struct {
	Categories  []Category
	Departments []Department
	cats        map[string]int
	depts       map[string]int
}

// Default returns the embedded taxonomy.
func Default() (*Taxonomy, error) {
	return Parse(strings.NewReader(taxonomyTSV), strings.NewReader(departmentsTSV))
}

// Parse reads a taxonomy (columns code, group, name, scope, primary_dept,
// co_depts, default_urgency) and a department table (code, name), both TSV
// with a header row, and validates them.
func Parse(categories, departments io.Reader) (*Taxonomy, error) {
	t := &Taxonomy{}
	drows, err := readTSV(departments, "departments", 2)
	if err != nil {
		return nil, err
	}
	for _, r := range drows {
		t.Departments = append(t.Departments, Department{Code: r[0], Name: r[1]})
	}
	crows, err := readTSV(categories, "taxonomy", 7)
	if err != nil {
		return nil, err
	}
	for _, r := range crows {
		t.Categories = append(t.Categories, Category{
			Code: r[0], Group: r[1], Name: r[2], Scope: r[3], Lead: r[4],
			Co: splitList(r[5]), Urgency: Urgency(r[6]),
		})
	}
	if err := t.Validate(); err != nil {
		return nil, err
	}
	return t, nil
}

// Validate checks the invariants: CategoryCount unique codes, every
// department referenced is defined, every urgency valid.
func (t *Taxonomy) Validate() error {
	t.depts = map[string]int{}
	for i, d := range t.Departments {
		if d.Code == "" {
			return fmt.Errorf("departments: row %d has no code", i+2)
		}
		if _, dup := t.depts[d.Code]; dup {
			return fmt.Errorf("departments: code %s appears twice", d.Code)
		}
		t.depts[d.Code] = i
	}
	t.cats = map[string]int{}
	for i, c := range t.Categories {
		if _, dup := t.cats[c.Code]; dup {
			return fmt.Errorf("taxonomy: code %s appears twice", c.Code)
		}
		t.cats[c.Code] = i
		if err := t.checkCategory(c); err != nil {
			return err
		}
	}
	if len(t.Categories) != CategoryCount {
		return fmt.Errorf("taxonomy: %d categories, want %d", len(t.Categories), CategoryCount)
	}
	return nil
}

func (t *Taxonomy) checkCategory(c Category) error {
	if c.Code == "" || c.Name == "" {
		return fmt.Errorf("taxonomy: a category lacks its code or name")
	}
	if !c.Urgency.Valid() {
		return fmt.Errorf("taxonomy: %s has urgency %q, want urgent, general or consult", c.Code, c.Urgency)
	}
	for _, d := range append([]string{c.Lead}, c.Co...) {
		if _, ok := t.depts[d]; !ok {
			return fmt.Errorf("taxonomy: %s names department %q, which is not defined", c.Code, d)
		}
	}
	if slices.Contains(c.Co, c.Lead) {
		return fmt.Errorf("taxonomy: %s lists its lead department %s among the co-departments", c.Code, c.Lead)
	}
	return nil
}

// Category returns the category with code.
func (t *Taxonomy) Category(code string) (Category, bool) {
	i, ok := t.cats[code]
	if !ok {
		return Category{}, false
	}
	return t.Categories[i], true
}

// Department returns the department with code.
func (t *Taxonomy) Department(code string) (Department, bool) {
	i, ok := t.depts[code]
	if !ok {
		return Department{}, false
	}
	return t.Departments[i], true
}

// Name returns the category name of code, or "" for an unknown code.
func (t *Taxonomy) Name(code string) string {
	c, _ := t.Category(code)
	return c.Name
}

// Codes returns the category codes in taxonomy order.
func (t *Taxonomy) Codes() []string {
	codes := make([]string, len(t.Categories))
	for i, c := range t.Categories {
		codes[i] = c.Code
	}
	return codes
}

// WithOverrides returns a copy of t in which a city's responsibility file
// reassigns categories: TSV with header code, primary_dept, co_depts and an
// optional default_urgency column. The result is validated like the
// original.
func (t *Taxonomy) WithOverrides(r io.Reader) (*Taxonomy, error) {
	rows, err := readTSV(r, "overrides", 3)
	if err != nil {
		return nil, err
	}
	out := &Taxonomy{Categories: slices.Clone(t.Categories), Departments: slices.Clone(t.Departments)}
	for n, row := range rows {
		i, ok := t.cats[row[0]]
		if !ok {
			return nil, fmt.Errorf("overrides: row %d: unknown category %q", n+2, row[0])
		}
		c := &out.Categories[i]
		c.Lead, c.Co = row[1], splitList(row[2])
		if len(row) > 3 && row[3] != "" {
			c.Urgency = Urgency(row[3])
		}
	}
	if err := out.Validate(); err != nil {
		return nil, err
	}
	return out, nil
}

// LoadOverrides applies the override file at path to t.
func (t *Taxonomy) LoadOverrides(path string) (*Taxonomy, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	out, err := t.WithOverrides(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return out, nil
}

// readTSV reads a tab-separated table with a header row; every data row must
// have at least minCols columns.
func readTSV(r io.Reader, name string, minCols int) ([][]string, error) {
	cr := csv.NewReader(r)
	cr.Comma = '\t'
	cr.FieldsPerRecord = -1
	cr.LazyQuotes = true
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("%s: no data rows", name)
	}
	for i, row := range rows[1:] {
		if len(row) < minCols {
			return nil, fmt.Errorf("%s: row %d has %d columns, want at least %d", name, i+2, len(row), minCols)
		}
		for j := range row {
			row[j] = strings.TrimSpace(row[j])
		}
	}
	return rows[1:], nil
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
