package datasets

import (
	"os"
	"slices"
	"strings"
	"testing"
)

// specDir is where the project's shared specification lives beside the repo.
const specDir = "../../shared/spec/"

func TestDefaultTaxonomy(t *testing.T) {
	tax, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	if len(tax.Categories) != CategoryCount {
		t.Fatalf("%d categories", len(tax.Categories))
	}
	c, ok := tax.Category("SZ02")
	if !ok || c.Lead != "ZJ" || c.Urgency != Urgent || !slices.Equal(c.Co, []string{"GY", "SW", "CG"}) {
		t.Errorf("SZ02 = %+v", c)
	}
}

func TestTaxonomyMatchesSpec(t *testing.T) {
	for _, name := range []string{"taxonomy.tsv", "departments.tsv"} {
		spec, err := os.ReadFile(specDir + name)
		if err != nil {
			t.Fatalf("the shared spec must be beside the repository: %v", err)
		}
		embedded, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if string(spec) != string(embedded) {
			t.Errorf("datasets/%s differs from shared/spec/%s", name, name)
		}
	}
	tax, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	spec, _ := os.ReadFile(specDir + "taxonomy.tsv")
	var want []string
	for _, line := range strings.Split(strings.TrimSpace(string(spec)), "\n")[1:] {
		want = append(want, strings.SplitN(line, "\t", 2)[0])
	}
	if !slices.Equal(tax.Codes(), want) {
		t.Errorf("codes %v, want %v", tax.Codes(), want)
	}
}

func TestParseRejects(t *testing.T) {
	header := "code\tgroup\tname\tscope\tprimary_dept\tco_depts\tdefault_urgency\n"
	depts := "code\tname\nCG\t城管\nSQ\t社区\n"
	row := func(code, lead, co, urg string) string {
		return code + "\tg\tn\ts\t" + lead + "\t" + co + "\t" + urg + "\n"
	}
	many := func(extra string) string {
		s := header
		for i := 0; i < CategoryCount-1; i++ {
			s += row("C"+string(rune('A'+i/26))+string(rune('A'+i%26)), "CG", "SQ", "general")
		}
		return s + extra
	}
	tests := []struct{ name, tax, want string }{
		{"too few", header + row("A1", "CG", "SQ", "general"), "1 categories, want 58"},
		{"duplicate code", many(row("CAA", "CG", "SQ", "general")), "appears twice"},
		{"unknown department", many(row("X1", "ZZ", "SQ", "general")), `department "ZZ"`},
		{"unknown co-department", many(row("X1", "CG", "SQ,QQ", "general")), `department "QQ"`},
		{"bad urgency", many(row("X1", "CG", "SQ", "soon")), `urgency "soon"`},
		{"short row", many("X1\tg\tn\n"), "has 3 columns"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(tt.tax), strings.NewReader(depts))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
	if tax, err := Parse(strings.NewReader(many(row("X1", "CG", "SQ", "general"))), strings.NewReader(depts)); err != nil || len(tax.Categories) != CategoryCount {
		t.Fatalf("a valid table was rejected: %v", err)
	}
}

func TestOverrides(t *testing.T) {
	tax, err := Default()
	if err != nil {
		t.Fatal(err)
	}
	city, err := tax.WithOverrides(strings.NewReader("code\tprimary_dept\tco_depts\tdefault_urgency\nHJ01\tHB\tGA,JD\t\nSZ03\tGY\tCG\turgent\n"))
	if err != nil {
		t.Fatal(err)
	}
	if c, _ := city.Category("HJ01"); c.Lead != "HB" || !slices.Equal(c.Co, []string{"GA", "JD"}) || c.Urgency != General {
		t.Errorf("HJ01 after override = %+v", c)
	}
	if c, _ := city.Category("SZ03"); c.Lead != "GY" || c.Urgency != Urgent {
		t.Errorf("SZ03 after override = %+v", c)
	}
	if c, _ := tax.Category("HJ01"); c.Lead != "GA" {
		t.Errorf("override changed the original taxonomy: %+v", c)
	}
	bad := []struct{ name, file, want string }{
		{"unknown category", "code\tprimary_dept\tco_depts\nXX99\tCG\t\n", `unknown category "XX99"`},
		{"unknown department", "code\tprimary_dept\tco_depts\nHJ01\tNOPE\t\n", `department "NOPE"`},
		{"bad urgency", "code\tprimary_dept\tco_depts\tdefault_urgency\nHJ01\tGA\t\tlater\n", `urgency "later"`},
	}
	for _, tt := range bad {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tax.WithOverrides(strings.NewReader(tt.file)); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want %q", err, tt.want)
			}
		})
	}
}
