package dedup

import (
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// Kind is a kind of location detail. Two reports that both give a detail
// of one kind, with no value in common, describe different places or
// different things (东口 and 西口, 3号楼 and 5号楼, 张奶奶 and 王爷爷).
type Kind string

// The kinds of detail Extract finds.
const (
	Building  Kind = "building"  // 5栋, 5号楼, 五号楼
	Unit      Kind = "unit"      // 3单元
	Room      Kind = "room"      // 10栋502, 301室, （301）
	Floor     Kind = "floor"     // 5楼, 11层, and the floor of a room
	House     Kind = "house"     // the number on a road: 幸福路20号
	Group     Kind = "group"     // a village group: 三组
	Direction Kind = "direction" // 东门, 西口, 北侧, 往东, 中段
	Exit      Kind = "exit"      // B口, D出口
	Landmark  Kind = "landmark"  // 加油站, 菜市场, 小学, 路口 … (canonical word)
	Person    Kind = "person"    // the surname of 张奶奶, 老王, 周先生
	Name      Kind = "name"      // a quoted shop or brand name: “潮人”
	Colour    Kind = "colour"    // 白色, 红色
)

// Kinds lists every detail kind, in the order conflicts are reported.
var Kinds = []Kind{Building, Unit, Room, Floor, House, Group, Direction, Exit, Landmark, Person, Name, Colour}

// Place is a named place: a road, an estate, a village, an area or a named
// landmark. Name is the two characters before the suffix (幸福 of 幸福路).
type Place struct {
	Class, Name, Suffix string
}

// String returns the place as written: name and suffix.
func (p Place) String() string { return p.Name + p.Suffix }

// Anchors are the places and location details of a report.
type Anchors struct {
	Places  []Place
	Details map[Kind][]string
}

// Extract finds the places and location details of a normalised report
// text (half-width, simplified, Latin lower case, as classify/normalize
// writes it).
func Extract(text string) Anchors {
	return extract(prepare(text))
}

// prepare lower-cases text and writes the Chinese numerals of places as
// digits.
func prepare(text string) string { return arabic(strings.ToLower(text)) }

// extract finds the anchors of a prepared text.
func extract(t string) Anchors {
	rs := []rune(t)
	ps, spans := places(rs)
	a := Anchors{Places: ps, Details: map[Kind][]string{}}
	for _, f := range detailFinders {
		for _, v := range f.find(t) {
			a.add(f.kind, v)
		}
	}
	for _, v := range landmarks(rs, spans) {
		a.add(Landmark, v)
	}
	for _, v := range persons(rs) {
		a.add(Person, v)
	}
	for _, room := range a.Details[Room] {
		a.add(Floor, room[:len(room)-2])
	}
	for k, vs := range a.Details {
		sort.Strings(vs)
		a.Details[k] = slices.Compact(vs)
	}
	return a
}

func (a *Anchors) add(k Kind, v string) {
	if v != "" {
		a.Details[k] = append(a.Details[k], v)
	}
}

// finder extracts the values of one kind of detail with a regular
// expression whose first group is the value; keep, when set, decides from
// the text around a match whether it counts.
type finder struct {
	kind Kind
	re   *regexp.Regexp
	keep func(t string, m []int) bool
}

// find returns the values f finds in prepared text t; a floor below
// ground (负一楼, 地下2层) is negative.
func (f finder) find(t string) []string {
	var out []string
	for _, m := range f.re.FindAllStringSubmatchIndex(t, -1) {
		if f.keep != nil && !f.keep(t, m) {
			continue
		}
		v := canonical(f.kind, t[m[2]:m[3]])
		if f.kind == Floor && (strings.HasSuffix(t[:m[2]], "负") || strings.HasSuffix(t[:m[2]], "地下")) {
			v = "-" + v
		}
		out = append(out, v)
	}
	return out
}

// detailFinders find the numbered, directional and named details.
var detailFinders = []finder{
	{kind: Building, re: regexp.MustCompile(`(\d{1,3})(?:号楼|号栋|栋|幢|座)`), keep: notAfterDigit},
	{kind: Unit, re: regexp.MustCompile(`(\d{1,2})单元`), keep: notAfterDigit},
	{kind: Room, re: regexp.MustCompile(`(?:栋|号楼|幢|座)(\d{3,4})`)},
	{kind: Room, re: regexp.MustCompile(`(\d{3,4})(?:室|房间|住户|户|家)`), keep: notAfterDigit},
	{kind: Room, re: regexp.MustCompile(`[（(](\d{3,4})[)）]`)},
	{kind: Floor, re: regexp.MustCompile(`(\d{1,2})(?:楼|层)`), keep: isFloor},
	{kind: House, re: regexp.MustCompile(`(?:路|街|巷|道|弄|村|里)(\d{1,4})号`), keep: isHouseNumber},
	{kind: Group, re: regexp.MustCompile(`(\d{1,2})组`), keep: notAfterDigit},
	{kind: Direction, re: regexp.MustCompile(`(东南|东北|西南|西北|东|南|西|北)(?:出入口|出口|入口|大门|门|口|侧|边|面|头|段|端|角)`)},
	{kind: Direction, re: regexp.MustCompile(`往(东|南|西|北)`)},
	{kind: Direction, re: regexp.MustCompile(`(中)(?:段|门)`)},
	{kind: Exit, re: regexp.MustCompile(`(?:^|[^a-z])([a-z])\d?(?:出入口|出口|入口|口)`)},
	{kind: Name, re: regexp.MustCompile(`[“"「『]([^”"」』\s]{1,8})[”"」』]`), keep: isShopName},
	{kind: Colour, re: regexp.MustCompile(`([白红黑灰蓝绿黄银紫棕粉橙])色`), keep: isColour},
}

// canonical returns the value of a detail as compared: numbers without
// leading zeros.
func canonical(k Kind, v string) string {
	switch k {
	case Building, Unit, Room, Floor, House, Group:
		if n, err := strconv.Atoi(v); err == nil {
			return strconv.Itoa(n)
		}
	}
	return v
}

func notAfterDigit(t string, m []int) bool {
	return m[2] == 0 || !isDigit(t[m[2]-1])
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

// isFloor keeps 5楼 and 11层 but not a count of storeys (三层自建房, 三层楼).
func isFloor(t string, m []int) bool {
	if !notAfterDigit(t, m) {
		return false
	}
	rest := t[m[1]:]
	for _, p := range []string{"自建", "的房", "的老房", "的楼", "楼房", "小楼", "高", "楼高", "以上", "以下"} {
		if strings.HasPrefix(rest, p) {
			return false
		}
	}
	if w := t[m[2]:m[1]]; strings.HasSuffix(t[:m[0]], "了") || strings.HasPrefix(rest, w) || strings.HasSuffix(t[:m[0]], w) {
		return false // 漂了一层, 一层一层
	}
	return !strings.HasSuffix(t[:m[1]], "层") || !strings.HasPrefix(rest, "楼")
}

// isHouseNumber keeps 幸福路20号 and 20号门口 but not 2号线, 5号楼 or a
// numbered gate (3号门).
func isHouseNumber(t string, m []int) bool {
	rest := t[m[1]:]
	for _, p := range []string{"楼", "线", "院", "栋", "地块"} {
		if strings.HasPrefix(rest, p) {
			return false
		}
	}
	if strings.HasPrefix(rest, "门") {
		return strings.HasPrefix(rest, "门口") || strings.HasPrefix(rest, "门前") || strings.HasPrefix(rest, "门外")
	}
	return true
}

// businessRunes end the name of a shop or business (小李饺子馆, 湘味坊).
var businessRunes = setOfRunes("店馆铺坊厂院室吧城行堂社所司场园楼")

// isShopName keeps a quoted name that names a business: it ends like one
// (“小李饺子馆”) or a landmark word follows it (“潮人”服装店), so that a
// quoted slogan (“全场清仓”) is not a name.
func isShopName(t string, m []int) bool {
	name := []rune(t[m[2]:m[3]])
	if businessRunes[name[len(name)-1]] {
		return true
	}
	rest := []rune(t[m[1]:])
	if len(rest) > 0 && businessRunes[rest[0]] {
		return true
	}
	for _, w := range landmarkWords {
		if hasPrefixAt(rest, 0, string(w.word)) {
			return true
		}
	}
	return false
}

// isColour leaves out 白色垃圾 and 白色污染 (plastic litter, not a colour).
func isColour(t string, m []int) bool {
	rest := t[m[1]:]
	return !strings.HasPrefix(rest, "垃圾") && !strings.HasPrefix(rest, "污染")
}

// places finds the named places of a text: two characters before a place
// suffix (幸福路, 锦绣花园, 金桥村, 实验小学), reading left to right so that
// 幸福路菜市场 is the road 幸福路 and an unnamed market. inside marks the
// characters of the places that are not landmarks, so that the 花园 of
// 锦绣花园 is not taken for a garden.
func places(rs []rune) (out []Place, inside []bool) {
	inside = make([]bool, len(rs))
	lastEnd := 0
	for i := 0; i < len(rs); {
		s, ok := suffixAt(rs, i)
		if !ok {
			i++
			continue
		}
		end := i + len([]rune(s.word))
		if name, ok := nameBefore(rs, i, lastEnd, s); ok {
			p := Place{Class: s.class, Name: name, Suffix: s.word}
			if !slices.Contains(out, p) {
				out = append(out, p)
			}
			for j := i - 2; j < end && p.Class != ClassLandmark; j++ {
				inside[j] = true
			}
		}
		lastEnd, i = end, end
	}
	return append(out, buildingEstates(rs, out)...), inside
}

// suffixesByLength are the place suffixes, longest first.
var suffixesByLength = func() []placeSuffix {
	s := slices.Clone(placeSuffixes)
	sort.SliceStable(s, func(i, j int) bool { return len([]rune(s[i].word)) > len([]rune(s[j].word)) })
	return s
}()

// suffixAt returns the longest place suffix that starts at rs[i].
func suffixAt(rs []rune, i int) (placeSuffix, bool) {
	for _, s := range suffixesByLength {
		if hasPrefixAt(rs, i, s.word) {
			return s, true
		}
	}
	return placeSuffix{}, false
}

// nameBefore returns the two characters before the suffix at rs[i] when they
// can name a place: Chinese, after the previous place, no function
// characters, and not a common word (马路, 跑路, 幼儿园).
func nameBefore(rs []rune, i, lastEnd int, s placeSuffix) (string, bool) {
	if i-2 < lastEnd {
		return "", false
	}
	name := rs[i-2 : i]
	for _, r := range name {
		if !unicode.Is(unicode.Han, r) || functionRunes[r] {
			return "", false
		}
	}
	if notPlaces[string(name[1:])+s.word] || notPlaces[string(name)+s.word] || notNames[string(name)] {
		return "", false
	}
	if name[1] == '大' || name[1] == '小' {
		return "", false // 小广场, 大马路: a size, not a name
	}
	if end := i + len([]rune(s.word)); end < len(rs) && strings.ContainsRune(notAfter[s.word], rs[end]) {
		return "", false
	}
	if s.word == "组" && !placeRunes[name[1]] {
		return "", false
	}
	return string(name), true
}

// buildingRe finds two Chinese characters before a building number: the
// estate of 东湖5号楼 or 枫林10栋.
var buildingRe = regexp.MustCompile(`(\p{Han}{2})\d{1,3}(?:号楼|栋|幢)`)

// buildingEstates returns the estates named only by the buildings they
// hold (东湖5号楼), leaving out names that end a known place (锦绣花园4栋).
func buildingEstates(rs []rune, known []Place) []Place {
	var out []Place
	for _, m := range buildingRe.FindAllStringSubmatch(string(rs), -1) {
		name := []rune(m[1])
		if functionRunes[name[0]] || functionRunes[name[1]] || endsPlace(m[1], known) {
			continue
		}
		if s, ok := suffixAt(name, 1); ok && len([]rune(s.word)) == 1 {
			continue // 翠柳巷5号楼: the 巷 ends the road already found
		}
		p := Place{Class: ClassEstate, Name: m[1]}
		if !slices.Contains(out, p) && !slices.Contains(known, p) {
			out = append(out, p)
		}
	}
	return out
}

// endsPlace reports whether s is the end of one of the places.
func endsPlace(s string, ps []Place) bool {
	for _, p := range ps {
		if strings.HasSuffix(p.String(), s) {
			return true
		}
	}
	return false
}

// landmarkWord is one synonym of a landmark with its canonical key.
type landmarkWord struct {
	word []rune
	key  string
}

// landmarkWords are all landmark synonyms, longest first.
var landmarkWords = func() []landmarkWord {
	var ws []landmarkWord
	for _, g := range landmarkGroups {
		for _, w := range g {
			ws = append(ws, landmarkWord{word: []rune(w), key: g[0]})
		}
	}
	sort.SliceStable(ws, func(i, j int) bool { return len(ws[i].word) > len(ws[j].word) })
	return ws
}()

// metroRe finds a metro station named by its line and stop (地铁二号线解放路站).
var metroRe = regexp.MustCompile(`地铁[^，。,.!！?？\s]{0,8}站`)

// landmarks returns the canonical keys of the landmarks a text names,
// leaving out those wholly inside a named place (the 花园 of 锦绣花园, but
// not the 村委 of 金桥村委).
func landmarks(rs []rune, inside []bool) []string {
	var out []string
	if metroRe.MatchString(string(rs)) {
		out = append(out, "地铁站")
	}
	for i := 0; i < len(rs); {
		n := 1
		for _, w := range landmarkWords {
			if !hasPrefixAt(rs, i, string(w.word)) {
				continue
			}
			n = len(w.word)
			within := !slices.Contains(inside[i:i+n], false)
			verb := i > 0 && notPlaces[string(rs[i-1])+string(w.word)] // 上小学: going to school
			if !within && !verb && !hasPrefixAt(rs, i+n, "舞") {        // 广场舞 is a dance
				out = append(out, w.key)
			}
			break
		}
		i += n
	}
	return out
}

// persons returns the surnames of the people a text names: a surname before
// a title (张奶奶, 周先生, 王家), after 老 or 小 (老王, 小陈), or after 姓.
func persons(rs []rune) []string {
	var out []string
	for i, r := range rs {
		if !surnames[r] {
			continue
		}
		switch {
		case i > 0 && rs[i-1] == '姓':
			out = append(out, string(r))
		case i > 0 && (rs[i-1] == '老' || rs[i-1] == '小') && familiar[r]:
			out = append(out, string(r))
		case hasTitle(rs, i+1) && !(i > 0 && idiomBefore[string(rs[i-1:i+1])]):
			out = append(out, string(r))
		}
	}
	return out
}

// familiar are the surnames that follow 老 or 小 in an everyday name (老王,
// 小陈) without making another word (小孔, 老毛病, 一小段).
var familiar = setOfRunes("王李张刘陈杨赵吴周徐孙朱胡郭何罗郑梁谢宋唐许韩冯邓曹彭曾肖董袁潘蒋蔡杜魏吕沈姚卢姜崔谭陆汪范廖贾韦邹熊邱薛闫侯贺顾郝龚邵钱覃戴莫汤")

// idiomBefore are words that end in a surname character but name nobody
// (任何家长).
var idiomBefore = setOf("任何", "如何", "为何", "几何", "奈何")

// hasTitle reports whether a person title starts at rs[i], and a family
// name used as a place (杨家湾) does not.
func hasTitle(rs []rune, i int) bool {
	for _, t := range personTitles {
		if !hasPrefixAt(rs, i, t) {
			continue
		}
		next := i + len([]rune(t))
		return t != "家" || next >= len(rs) || !placeRunes[rs[next]]
	}
	return false
}
