package gridtriage

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Status is the stage of a case in its lifecycle
// 发现—上报—分流—处置—反馈—评价.
type Status string

// The case statuses, in lifecycle order.
const (
	StatusReceived   Status = "received"   // 上报: stored, waiting for dispatch or review
	StatusDispatched Status = "dispatched" // 分流: sent to the lead department
	StatusAccepted   Status = "accepted"   // the department took it on
	StatusResolved   Status = "resolved"   // 处置: the department reports it handled
	StatusVerified   Status = "verified"   // 反馈: the grid checked the result
	StatusClosed     Status = "closed"     // 评价: closed, optionally rated
	StatusDuplicate  Status = "duplicate"  // linked to an earlier open case
)

// Statuses lists the lifecycle statuses in order.
var Statuses = []Status{StatusReceived, StatusDispatched, StatusAccepted, StatusResolved, StatusVerified, StatusClosed}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) || s == StatusDuplicate }

// Open reports whether a case in status s still needs work.
func (s Status) Open() bool {
	return s == StatusReceived || s == StatusDispatched || s == StatusAccepted
}

// CheckTransition returns nil when a case may move from one status to the
// next: one step forward, or a reopen (resolved, verified or closed back to
// dispatched).
func CheckTransition(from, to Status) error {
	const op = "case.Transition"
	if !to.Valid() || to == StatusDuplicate {
		return Errorf(op, KindInvalid, "unknown target status %q", to)
	}
	i, j := slices.Index(Statuses, from), slices.Index(Statuses, to)
	switch {
	case i < 0:
		return Errorf(op, KindConflict, "a %s case cannot change status", from)
	case j == i+1:
		return nil
	case to == StatusDispatched && i >= slices.Index(Statuses, StatusResolved):
		return nil // reopen
	case j == i:
		return Errorf(op, KindConflict, "case is already %s", to)
	case j < i:
		return Errorf(op, KindConflict, "cannot go back from %s to %s (only a reopen to dispatched is allowed)", from, to)
	}
	return Errorf(op, KindConflict, "cannot skip from %s to %s; next is %s", from, to, Statuses[i+1])
}

// Location is a WGS-84 point.
type Location struct {
	Lat float64 `json:"lat"`
	Lng float64 `json:"lng"`
}

// Validate reports coordinates out of range.
func (l *Location) Validate() error {
	if l == nil {
		return nil
	}
	if l.Lat < -90 || l.Lat > 90 || l.Lng < -180 || l.Lng > 180 {
		return fmt.Errorf("location %v,%v is out of range", l.Lat, l.Lng)
	}
	return nil
}

// Candidate is one category the model considered.
type Candidate struct {
	Label       string  `json:"label"`
	Name        string  `json:"name,omitempty"`
	Probability float64 `json:"probability"`
}

// Report is an incoming event report with its metadata.
type Report struct {
	ExternalID   string    `json:"external_id"`
	Title        string    `json:"title,omitempty"`
	Text         string    `json:"text"`
	Channel      string    `json:"channel,omitempty"`
	ReporterRole string    `json:"reporter_role,omitempty"`
	GridID       string    `json:"grid_id,omitempty"`
	ReportedAt   time.Time `json:"reported_at"`
	Location     *Location `json:"location,omitempty"`
	Address      string    `json:"address,omitempty"`
}

// MaxTextRunes is the longest report text accepted.
const MaxTextRunes = 10000

// Validate checks a report before it is classified.
func (r Report) Validate() error {
	const op = "report.Validate"
	switch {
	case strings.TrimSpace(r.Text) == "" && strings.TrimSpace(r.Title) == "":
		return Errorf(op, KindInvalid, "text is missing or empty")
	case !utf8.ValidString(r.Text) || !utf8.ValidString(r.Title):
		return Errorf(op, KindInvalid, "text is not valid UTF-8")
	case utf8.RuneCountInString(r.Text)+utf8.RuneCountInString(r.Title) > MaxTextRunes:
		return Errorf(op, KindInvalid, "text is longer than %d characters", MaxTextRunes)
	}
	if err := r.Location.Validate(); err != nil {
		return E(op, KindInvalid, err)
	}
	return nil
}

// Input is the string the classifier sees.
func (r Report) Input() string {
	if r.Title != "" {
		return r.Title + "\n" + r.Text
	}
	return r.Text
}

// Decision is what the dispatcher decided for a report.
type Decision struct {
	Category     string      `json:"category"`
	CategoryName string      `json:"category_name"`
	Probability  float64     `json:"probability"`
	Margin       float64     `json:"margin"`
	Top          []Candidate `json:"top"`
	LeadDept     string      `json:"lead_dept"`
	CoDepts      []string    `json:"co_depts"`
	Joint        bool        `json:"joint"` // 吹哨: the street leads a joint response
	Street       string      `json:"street,omitempty"`
	Community    string      `json:"community,omitempty"`
	Urgency      string      `json:"urgency"`
	// UrgencyProbability is the urgency model's probability of Urgency when
	// the model set it; 0 when the rules did.
	UrgencyProbability float64   `json:"urgency_probability,omitempty"`
	DispatchBy         time.Time `json:"dispatch_by"`
	ResolveBy          time.Time `json:"resolve_by"`
	Automatic          bool      `json:"automatic"`
	NeedsReview        bool      `json:"needs_review"`
	Reasons            []string  `json:"reasons"` // terms that weighed most for the category
	Rules              []string  `json:"rules"`   // the rules that set urgency and routing
	ModelVersion       string    `json:"model_version"`
}

// Transition is one recorded status change.
type Transition struct {
	From  Status    `json:"from"`
	To    Status    `json:"to"`
	At    time.Time `json:"at"`
	Actor string    `json:"actor,omitempty"`
	Note  string    `json:"note,omitempty"`
}

// Case is a stored report with its dispatch decision and lifecycle.
type Case struct {
	ID string `json:"id"`
	Report
	Decision
	Status      Status       `json:"status"`
	DuplicateOf string       `json:"duplicate_of,omitempty"`
	Rating      int          `json:"rating,omitempty"` // 1–5 satisfaction, once closed
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	Overdue     bool         `json:"overdue"`
	Transitions []Transition `json:"transitions,omitempty"`
	ReviewedBy  string       `json:"reviewed_by,omitempty"`
	// Similarity is, for a duplicate, how close its text is to the case it
	// duplicates.
	Similarity float64 `json:"similarity,omitempty"`
	// Reporters lists the duplicate reports merged into this case.
	Reporters  []Reporter `json:"reporters,omitempty"`
	ReviewedAt *time.Time `json:"reviewed_at,omitempty"`
	// Owner is the caller that created the case.
	Owner string `json:"owner,omitempty"`
	// HasOriginal tells that personal data was redacted from the text and
	// the unmasked original is kept, sealed.
	HasOriginal bool `json:"has_original,omitempty"`
	// SealedOriginal is the encrypted unmasked report, set only when the
	// case is created; it is never serialised.
	SealedOriginal []byte `json:"-"`
}

// IsOverdue reports whether c missed a deadline at time now: not yet
// dispatched past DispatchBy, or still open past ResolveBy.
func (c *Case) IsOverdue(now time.Time) bool {
	if c.Status == StatusReceived && !c.DispatchBy.IsZero() && now.After(c.DispatchBy) {
		return true
	}
	return c.Status.Open() && !c.ResolveBy.IsZero() && now.After(c.ResolveBy)
}

// CaseFilter selects cases in a listing.
type CaseFilter struct {
	Status  Status
	Dept    string
	GridID  string
	Owner   string // only the cases this caller created
	Overdue bool
	Review  *bool
	Now     time.Time
	Limit   int
	Offset  int
}

// CaseStore persists cases. Implementations must make a case durable before
// Create returns.
type CaseStore interface {
	// Create stores c unless a case with the same ExternalID exists, in which
	// case it returns that one and created == false.
	Create(ctx context.Context, c *Case) (stored *Case, created bool, err error)
	// Get returns the case with id, with its transitions.
	Get(ctx context.Context, id string) (*Case, error)
	// List returns the cases matching f, newest first.
	List(ctx context.Context, f CaseFilter) ([]*Case, error)
	// Transition moves a case to status to, checking the lifecycle.
	Transition(ctx context.Context, id string, to Status, actor, note string, rating int) (*Case, error)
	// OpenLoad returns the open cases per lead department.
	OpenLoad(ctx context.Context) (map[string]int, error)
	// Close releases the store.
	Close() error
}

// CreationNote describes how a case entered the lifecycle.
func (c *Case) CreationNote() string {
	switch {
	case c.DuplicateOf != "":
		return "duplicate of " + c.DuplicateOf
	case c.NeedsReview:
		return "queued for review"
	}
	return "dispatched automatically"
}

// Feedback is a dispatcher's confirmation or correction of a category: a
// labelled example for the next training run.
type Feedback struct {
	CaseID    string `json:"case_id"`
	Title     string `json:"title,omitempty"`
	Text      string `json:"text"`
	Label     string `json:"label"`
	Predicted string `json:"predicted"`
	Corrected bool   `json:"corrected"`
	Reviewer  string `json:"reviewer"`
	Note      string `json:"note,omitempty"`
	// Urgency is the urgency the reviewer set by hand (urgent, general or
	// consult), or "" when the review left the decided one: only a person's
	// urgency is a label to learn from.
	Urgency string    `json:"urgency,omitempty"`
	At      time.Time `json:"at"`
}

// ReviewStore is the part of the store the review queue needs.
type ReviewStore interface {
	// ReviewQueue lists cases waiting for review: most urgent and earliest
	// deadline first, then the least certain.
	ReviewQueue(ctx context.Context, limit int) ([]*Case, error)
	// Review stores a reviewed decision: the case is dispatched with it and
	// the feedback recorded, atomically. It fails with KindConflict unless
	// the case is waiting for review.
	Review(ctx context.Context, id string, d Decision, fb Feedback) (*Case, error)
	// Feedback returns every recorded feedback, oldest first.
	Feedback(ctx context.Context) ([]Feedback, error)
}

// Reporter is a duplicate report merged into a case.
type Reporter struct {
	DuplicateID  string    `json:"duplicate_id"`
	ExternalID   string    `json:"external_id"`
	Channel      string    `json:"channel,omitempty"`
	ReporterRole string    `json:"reporter_role,omitempty"`
	Similarity   float64   `json:"similarity"`
	At           time.Time `json:"at"`
}

// AuditEntry records that someone read or changed a case (or did another
// guarded action, with CaseID empty).
type AuditEntry struct {
	At     time.Time `json:"at"`
	Actor  string    `json:"actor"`
	Role   string    `json:"role"`
	Action string    `json:"action"`
	CaseID string    `json:"case_id,omitempty"`
	Detail string    `json:"detail,omitempty"`
}

// auditKey is the context key of the audit entry of a change.
type auditKey struct{}

// WithAudit returns a copy of ctx carrying e, the audit entry of the change
// ctx is passed to. A store that creates, moves or reviews a case writes e,
// with the case's id, in the same transaction as the change: both are kept
// or neither.
func WithAudit(ctx context.Context, e AuditEntry) context.Context {
	return context.WithValue(ctx, auditKey{}, e)
}

// AuditOf returns the audit entry ctx carries, if any.
func AuditOf(ctx context.Context) (AuditEntry, bool) {
	e, ok := ctx.Value(auditKey{}).(AuditEntry)
	return e, ok
}

// AuditFilter selects audit entries, newest first.
type AuditFilter struct {
	CaseID string
	Actor  string
	Limit  int
}

// CaseStats counts stored cases and reviews.
type CaseStats struct {
	Total      int            `json:"total"`
	ByStatus   map[string]int `json:"by_status"`
	ByCategory map[string]int `json:"by_category"`
	// Confirmed and Corrected count the reviews that kept or changed the
	// model's category.
	Confirmed int `json:"confirmed"`
	Corrected int `json:"corrected"`
}
