package privacy

import (
	"encoding/json"
	"errors"

	"github.com/gridtriage/gridtriage"
)

// Original is the unmasked text of a report whose stored copy was redacted.
type Original struct {
	Title   string `json:"title,omitempty"`
	Text    string `json:"text"`
	Address string `json:"address,omitempty"`
}

// Protector redacts reports before they are stored and, when it has a Box,
// seals their originals.
type Protector struct {
	// Box seals originals; nil keeps no original at all.
	Box *Box
}

// Protect redacts the title, text and address of r in place. When
// something was redacted and p has a Box, it returns the original sealed
// with the report's external id; otherwise nil.
func (p *Protector) Protect(r *gridtriage.Report) ([]byte, error) {
	orig := Original{Title: r.Title, Text: r.Text, Address: r.Address}
	var t, x, a bool
	r.Title, t = Redact(r.Title)
	r.Text, x = Redact(r.Text)
	r.Address, a = Redact(r.Address)
	if !(t || x || a) || p.Box == nil {
		return nil, nil
	}
	plain, err := json.Marshal(orig)
	if err != nil {
		return nil, err
	}
	return p.Box.Seal(plain, []byte(r.ExternalID))
}

// Open returns the original sealed for the report with externalID.
func (p *Protector) Open(sealed []byte, externalID string) (Original, error) {
	var o Original
	if p.Box == nil {
		return o, errors.New("no data key is configured, so originals cannot be read")
	}
	plain, err := p.Box.Open(sealed, []byte(externalID))
	if err != nil {
		return o, err
	}
	err = json.Unmarshal(plain, &o)
	return o, err
}
