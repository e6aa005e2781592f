package store

import (
	"context"
	"fmt"
	"os"
	"strings"
)

// Backup writes a consistent copy of a SQLite database to path while the
// platform keeps serving (VACUUM INTO reads one snapshot; writers are not
// blocked). PostgreSQL installations back up with the server's own tools
// (pg_dump, or the managed service's snapshots), which know its replicas.
func (s *Store) Backup(ctx context.Context, path string) error {
	if s.engine != SQLite {
		return fmt.Errorf("backup: on PostgreSQL use pg_dump or the server's snapshots; silkbridge backup copies SQLite files")
	}
	if _, err := os.Stat(path); err == nil {
		return fmt.Errorf("backup: %s exists; choose a new file", path)
	}
	if strings.ContainsRune(path, 0) {
		return fmt.Errorf("backup: bad file name")
	}
	if _, err := s.db.ExecContext(ctx, `VACUUM INTO $1`, path); err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	return nil
}
