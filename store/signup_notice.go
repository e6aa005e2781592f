package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/opportunity"
)

// NotifySignUpAttempt tells the holder of an account, among their
// notifications, that someone tried to sign up with its e-mail address.
// It reports whether there was such an account. Nothing else changes: the
// sign-up page answers the same for a taken address as for a new one, so
// the owner is told here instead. At most one unread notice is kept, so
// repeated attempts do not bury the owner's other notifications.
func (s *Store) NotifySignUpAttempt(ctx context.Context, email string) (bool, error) {
	email = account.NormaliseEmail(email)
	found := false
	err := s.inTx(ctx, func(tx *sql.Tx) error {
		var userID string
		err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE email = $1`, email).Scan(&userID)
		if err == sql.ErrNoRows {
			return nil
		}
		if err != nil {
			return fmt.Errorf("notify sign-up attempt: %w", err)
		}
		found = true
		var unread int
		if err := tx.QueryRowContext(ctx, `SELECT COUNT(*) FROM market_notifications WHERE user_id = $1 AND kind = $2 AND read_at = ''`,
			userID, account.NotifySignUpAttempt).Scan(&unread); err != nil {
			return fmt.Errorf("notify sign-up attempt: %w", err)
		}
		if unread > 0 {
			return nil
		}
		_, err = s.insertNotification(ctx, tx, &opportunity.Notification{UserID: userID, Kind: account.NotifySignUpAttempt})
		return err
	})
	return found, err
}
