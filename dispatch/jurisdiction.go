package dispatch

import (
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"strings"
)

// Area is the territorial chain of a grid: its 社区 and its 街道.
type Area struct {
	Community string `json:"community"`
	Street    string `json:"street"`
}

// Jurisdiction maps grid ids to their community and street (属地).
type Jurisdiction map[string]Area

// Lookup returns the area of grid, and whether it is known.
func (j Jurisdiction) Lookup(grid string) (Area, bool) {
	a, ok := j[grid]
	return a, ok
}

// ReadJurisdiction reads a TSV with header grid_id, community, street.
func ReadJurisdiction(r io.Reader) (Jurisdiction, error) {
	cr := csv.NewReader(r)
	cr.Comma = '\t'
	rows, err := cr.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("jurisdiction: %w", err)
	}
	if len(rows) == 0 || len(rows[0]) < 3 || rows[0][0] != "grid_id" {
		return nil, fmt.Errorf("jurisdiction: want a header row grid_id, community, street")
	}
	j := Jurisdiction{}
	for i, row := range rows[1:] {
		grid, community, street := strings.TrimSpace(row[0]), strings.TrimSpace(row[1]), strings.TrimSpace(row[2])
		if grid == "" || street == "" {
			return nil, fmt.Errorf("jurisdiction: row %d needs a grid id and a street", i+2)
		}
		if _, dup := j[grid]; dup {
			return nil, fmt.Errorf("jurisdiction: grid %s appears twice", grid)
		}
		j[grid] = Area{Community: community, Street: street}
	}
	return j, nil
}

// LoadJurisdiction reads the jurisdiction file at path.
func LoadJurisdiction(path string) (Jurisdiction, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadJurisdiction(f)
}
