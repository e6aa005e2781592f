package store

import (
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"net"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"

	"github.com/silkbridge/silkbridge"
)

// Classify turns an error that says the database cannot be reached (a
// closed pool, a refused or dropped connection, a database that is gone
// or cannot be opened) into an EUNAVAILABLE error, so that the platform
// answers "try again shortly" rather than "you are not signed in" or "we
// failed". Other errors are returned as they are. This is the one place
// that knows the drivers' errors for this.
func Classify(err error) error {
	if err == nil || !unavailable(err) {
		return err
	}
	var e *silkbridge.Error
	if errors.As(err, &e) && e.Code == silkbridge.EUNAVAILABLE {
		return e
	}
	return silkbridge.Unavailable(err)
}

// Codes of SQLite's primary results that mean the file cannot be used
// (https://sqlite.org/rescode.html): I/O errors, a file that cannot be
// opened, a file that is not a database.
const (
	sqliteIOErr    = 10
	sqliteCantOpen = 14
	sqliteNotADB   = 26
)

func unavailable(err error) bool {
	if errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) || errors.Is(err, pgconn.ErrConnClosed) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	// database/sql does not export the error of a closed pool.
	if strings.Contains(err.Error(), "sql: database is closed") {
		return true
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch {
		case strings.HasPrefix(pgErr.Code, "08"): // connection exception
			return true
		case pgErr.Code == "57P01", pgErr.Code == "57P02", pgErr.Code == "57P03": // shut down, crashed, starting
			return true
		case pgErr.Code == "3D000": // the database does not exist (any more)
			return true
		case pgErr.Code == "53300": // too many connections
			return true
		}
		return false
	}
	var connErr *pgconn.ConnectError
	if errors.As(err, &connErr) {
		return true
	}
	var netErr net.Error
	if errors.As(err, &netErr) {
		return true
	}
	var liteErr *sqlite.Error
	if errors.As(err, &liteErr) {
		switch liteErr.Code() & 0xff {
		case sqliteIOErr, sqliteCantOpen, sqliteNotADB:
			return true
		}
	}
	return false
}
