package dispatch

import (
	"time"

	"github.com/gridtriage/gridtriage/datasets"
)

// Deadline is how long a case of one urgency may wait to be dispatched and
// to be handled.
type Deadline struct {
	Dispatch time.Duration `json:"dispatch"`
	Resolve  time.Duration `json:"resolve"`
}

// Deadlines maps each urgency to its deadline.
type Deadlines map[datasets.Urgency]Deadline

// DefaultDeadlines are the plan's: 紧急 dispatched within 5 minutes and
// handled within 2 hours; 一般 30 minutes and 24 hours; 咨询 answered within
// 48 hours.
func DefaultDeadlines() Deadlines {
	return Deadlines{
		datasets.Urgent:  {Dispatch: 5 * time.Minute, Resolve: 2 * time.Hour},
		datasets.General: {Dispatch: 30 * time.Minute, Resolve: 24 * time.Hour},
		datasets.Consult: {Dispatch: 48 * time.Hour, Resolve: 48 * time.Hour},
	}
}
