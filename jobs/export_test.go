package jobs

import (
	"context"
	"time"
)

// Crash leaves the client as a killed process would: River's pool is
// closed under it without stopping River, so the jobs it was running
// stay "running" in the database until another instance's rescuer takes
// them. The returned function ends the client's goroutines afterwards.
func (c *Client) Crash() (cleanup func()) {
	c.closed.Store(true)
	// Closing a pgx pool waits for the connections in use; a killed
	// process does not wait, and new queries fail at once.
	go c.close()
	return func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		c.river.StopAndCancel(ctx)
	}
}
