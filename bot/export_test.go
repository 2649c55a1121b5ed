package bot

import "github.com/mentorbot/mentorbot/store"

// StartBroadcastForTest fixes a broadcast's recipients and starts it, as
// the staff's "send now" does; for tests of the broadcaster alone.
func StartBroadcastForTest(tx *store.Tx, b store.Broadcast, staffIDs []int64) (int, error) {
	return startBroadcast(tx, b, staffIDs)
}
