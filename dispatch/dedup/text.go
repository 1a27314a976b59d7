package dedup

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
)

// Parsed is a normalised report text with its anchors.
type Parsed struct {
	// Text is the text as compared: lower case, with the Chinese numerals
	// of places written as digits.
	Text    string
	runes   []rune
	Anchors Anchors
}

// Parse extracts the anchors of a normalised report text.
func Parse(text string) Parsed {
	t := prepare(text)
	return Parsed{Text: t, runes: []rune(t), Anchors: extract(t)}
}

// Mentions reports whether the text names place p: its name appears, and
// not as the start of a place of another kind (东湖 in 东湖路 is a road, not
// 东湖社区).
func (t Parsed) Mentions(p Place) bool {
	name := []rune(p.Name)
	for i := 0; i+len(name) <= len(t.runes); i++ {
		if !hasPrefixAt(t.runes, i, p.Name) {
			continue
		}
		s, ok := suffixAt(t.runes, i+len(name))
		if !ok || sameKindOfPlace(p, s) {
			return true
		}
	}
	return false
}

// sameKindOfPlace reports whether suffix s can end the place p: the same
// class, and for a landmark the same kind of landmark.
func sameKindOfPlace(p Place, s placeSuffix) bool {
	if s.class != p.Class {
		return false
	}
	return p.Class != ClassLandmark || landmarkKey(s.word) == landmarkKey(p.Suffix)
}

// landmarkKey returns the canonical landmark of a place suffix (农贸市场 and
// 菜市场 are both markets).
func landmarkKey(word string) string {
	for _, w := range landmarkWords {
		if string(w.word) == word {
			return w.key
		}
	}
	return word
}

// unmentioned returns the places of a that b does not name.
func unmentioned(a, b Parsed) []Place {
	var out []Place
	for _, p := range a.Anchors.Places {
		if !b.Mentions(p) {
			out = append(out, p)
		}
	}
	return out
}

// Conflict is a detail two reports give with different values.
type Conflict struct {
	Kind Kind
	A, B []string
}

// String describes the conflict: kind and both sides' values.
func (c Conflict) String() string {
	return fmt.Sprintf("%s %s ≠ %s", c.Kind, strings.Join(c.A, "/"), strings.Join(c.B, "/"))
}

// Conflicts returns the details both texts give with no value in common.
// A quoted shop name counts as shared when the other text contains it
// unquoted, and as a conflict when only one text names its business and
// the other is about the same kind of business.
func Conflicts(a, b Parsed) []Conflict {
	var out []Conflict
	for _, k := range Kinds {
		va, vb := a.Anchors.Details[k], b.Anchors.Details[k]
		if len(va) == 0 || len(vb) == 0 || overlap(va, vb) {
			continue
		}
		if k == Name && (containsAny(b.Text, va) || containsAny(a.Text, vb)) {
			continue
		}
		out = append(out, Conflict{Kind: k, A: va, B: vb})
	}
	if c, ok := shopNameConflict(a, b); ok {
		out = append(out, c)
	}
	return out
}

// shopNameConflict reports a business that one text names (“胖哥”烧烤店)
// and the other does not, although both are about the same kind of
// business (烧烤店, 面馆): another shop of the street.
func shopNameConflict(a, b Parsed) (Conflict, bool) {
	na, nb := a.Anchors.Details[Name], b.Anchors.Details[Name]
	if (len(na) == 0) == (len(nb) == 0) || !overlap(a.Anchors.Details[Landmark], b.Anchors.Details[Landmark]) {
		return Conflict{}, false
	}
	if len(na) > 0 && !containsAny(b.Text, na) {
		return Conflict{Kind: Name, A: na, B: []string{"?"}}, true
	}
	if len(nb) > 0 && !containsAny(a.Text, nb) {
		return Conflict{Kind: Name, A: []string{"?"}, B: nb}, true
	}
	return Conflict{}, false
}

func overlap(a, b []string) bool {
	for _, v := range a {
		if slices.Contains(b, v) {
			return true
		}
	}
	return false
}

func containsAny(s string, subs []string) bool {
	for _, v := range subs {
		if strings.Contains(s, v) {
			return true
		}
	}
	return false
}

// newOccurrenceRe matches a report that says the earlier problem was fixed
// or that this is another one (修好后……又坏了, 这次是新丢的, 跟上次不是一回事).
var newOccurrenceRe = regexp.MustCompile(`(?:[修补换焊装弄处理]好|换成新|换了新|修复|恢复正常)[^。！？!?]{0,16}(?:又|这次|这回|这是)` +
	`|不是一回事|不是同一|不是一个(?:毛病|问题|地方)|不是上次|新出的|另一个|另外一个|新丢的|新坏的`)

// NewOccurrence reports whether a report says it is not the problem reported
// before: the earlier one was fixed, or this is another one.
func NewOccurrence(text string) bool { return newOccurrenceRe.MatchString(text) }

// SamePlace decides whether two parsed report texts can describe the same
// event at the same place: they name a place in common; not each a place
// the other lacks; no detail conflicts (东口 and 西口, 3号楼 and 5号楼); if
// both say where along the place they are (a landmark, a number, a side),
// they agree on something; and the later one does not say it is a new
// occurrence. The reason tells why not, or names the shared place.
func SamePlace(earlier, later Parsed) (bool, string) {
	shared := sharedPlace(earlier, later)
	if shared == "" {
		return false, "no place in common"
	}
	ua, ub := unmentioned(earlier, later), unmentioned(later, earlier)
	if len(ua) > 0 && len(ub) > 0 {
		return false, fmt.Sprintf("different places: %s ≠ %s", ua[0], ub[0])
	}
	if cs := Conflicts(earlier, later); len(cs) > 0 {
		return false, "different " + cs[0].String()
	}
	if a, b, ok := spotConflict(earlier, later); ok {
		return false, fmt.Sprintf("different spots: %s ≠ %s", a, b)
	}
	if NewOccurrence(later.Text) {
		return false, "says it is a new occurrence"
	}
	return true, "same place: " + shared
}

// spotKinds are the details that say where along a place a report is: a
// landmark, a number (building or house), a side or gate, a metro exit.
var spotKinds = []Kind{Landmark, Building, House, Direction, Exit}

// spotConflict reports whether both texts say where along their common
// place they are, in ways that share nothing (解放路菜场旁边 and 解放路22号).
// Building and house numbers compare with each other (42号楼 and 42号).
func spotConflict(a, b Parsed) (string, string, bool) {
	sa, sb := spots(a), spots(b)
	if len(sa) == 0 || len(sb) == 0 || overlap(sa, sb) {
		return "", "", false
	}
	return strings.Join(sa, "/"), strings.Join(sb, "/"), true
}

// spots returns the spot details of t, numbers under one kind.
func spots(t Parsed) []string {
	var out []string
	for _, k := range spotKinds {
		name := string(k)
		if k == Building || k == House {
			name = "number"
		}
		for _, v := range t.Anchors.Details[k] {
			out = append(out, name+":"+v)
		}
	}
	return out
}

// sharedPlace returns a place one text names and the other mentions, or "".
func sharedPlace(a, b Parsed) string {
	for _, p := range a.Anchors.Places {
		if b.Mentions(p) {
			return p.String()
		}
	}
	for _, p := range b.Anchors.Places {
		if a.Mentions(p) {
			return p.String()
		}
	}
	return ""
}
