package bot

import (
	"time"

	"github.com/mentorbot/mentorbot/store"
)

// StartBroadcastForTest fixes a broadcast's recipients and starts it, as
// the staff's "send now" does: their copies go into the outbox.
func StartBroadcastForTest(tx *store.Tx, b store.Broadcast, staffIDs []int64, now time.Time) (int, error) {
	return startBroadcast(tx, b, staffIDs, now)
}
