package main

import (
	"bufio"
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"

	"github.com/silkbridge/silkbridge/account"
	"github.com/silkbridge/silkbridge/store"
)

func init() {
	register(command{name: "user", summary: "manage accounts: user add --email E --role admin; user role, reset, list", run: runUser})
}

func runUser(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Print(`Usage: silkbridge user add --email EMAIL [--name NAME] [--role member|agency_officer|admin] [--password-stdin]
       silkbridge user role --email EMAIL --role ROLE
       silkbridge user reset --email EMAIL [--base-url URL]
       silkbridge user list [--role ROLE] [--query TEXT]

add creates an account (the first admin, officers of an agency). The password
is read from standard input with --password-stdin, else from
SILKBRIDGE_PASSWORD, else asked for on the terminal.
role changes the role of an existing account.
reset prints a single-use link, valid for one hour, with which the holder
of the account sets a new password (for an operator without a mail server).
list prints the accounts, one per line: e-mail, role, name.
`)
		if len(args) == 0 {
			return fmt.Errorf("%w: name a subcommand", errUsage)
		}
		return nil
	}
	switch args[0] {
	case "add":
		return runUserAdd(ctx, args[1:])
	case "role":
		return runUserRole(ctx, args[1:])
	case "reset":
		return runUserReset(ctx, args[1:])
	case "list":
		return runUserList(ctx, args[1:])
	}
	return fmt.Errorf("%w: unknown subcommand %q (add, role, reset, list)", errUsage, args[0])
}

func runUserAdd(ctx context.Context, args []string) error {
	fs := newFlagSet("user add", "user add --email EMAIL [--name NAME] [--role ROLE] [--password-stdin]", "Creates an account.")
	db := dbFlag(fs)
	email := fs.String("email", "", "e-mail address (required)")
	name := fs.String("name", "", "display name (default: the part of the e-mail before @)")
	role := fs.String("role", account.Member, "member, agency_officer or admin")
	stdin := fs.Bool("password-stdin", false, "read the password from standard input")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("%w: --email is required", errUsage)
	}
	if *name == "" {
		*name, _, _ = strings.Cut(*email, "@")
	}
	pw := os.Getenv("SILKBRIDGE_PASSWORD")
	if *stdin || pw == "" {
		if !*stdin {
			fmt.Fprint(os.Stderr, "Password (at least 10 characters): ")
		}
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password: %w", err)
		}
		pw = strings.TrimRight(line, "\r\n")
	}
	log := newLogger()
	st, err := openStore(ctx, *db, log)
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.CreateUser(ctx, store.Actor{}, account.SignUp{Email: *email, Name: *name, Password: pw}, *role)
	if err != nil {
		return err
	}
	fmt.Printf("created %s (%s) with role %s\n", u.Email, u.ID, u.Role)
	return nil
}

func runUserRole(ctx context.Context, args []string) error {
	fs := newFlagSet("user role", "user role --email EMAIL --role ROLE", "Changes the role of an account.")
	db := dbFlag(fs)
	email := fs.String("email", "", "e-mail address (required)")
	role := fs.String("role", "", "member, agency_officer or admin (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" || *role == "" {
		return fmt.Errorf("%w: --email and --role are required", errUsage)
	}
	if !account.ValidRole(*role) {
		return fmt.Errorf("%w: --role %q is not one of %s", errUsage, *role, strings.Join(account.Roles, ", "))
	}
	st, err := openStore(ctx, *db, newLogger())
	if err != nil {
		return err
	}
	defer st.Close()
	u, err := st.UserByEmail(ctx, *email)
	if err != nil {
		return err
	}
	if err := st.SetRole(ctx, store.Actor{}, u.ID, *role); err != nil {
		return err
	}
	fmt.Printf("%s is now %s\n", u.Email, *role)
	return nil
}

func runUserReset(ctx context.Context, args []string) error {
	fs := newFlagSet("user reset", "user reset --email EMAIL [--base-url URL]",
		"Prints a single-use link, valid for one hour, with which the holder of the account sets a new password.")
	db := dbFlag(fs)
	email := fs.String("email", "", "e-mail address of the account (required)")
	baseURL := fs.String("base-url", env("SILKBRIDGE_BASE_URL", "http://localhost:8080"), "public address of the site (env SILKBRIDGE_BASE_URL)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *email == "" {
		return fmt.Errorf("%w: --email is required", errUsage)
	}
	st, err := openStore(ctx, *db, newLogger())
	if err != nil {
		return err
	}
	defer st.Close()
	secret, u, err := st.RequestPasswordReset(ctx, *email)
	if err != nil {
		return err
	}
	if u == nil {
		return fmt.Errorf("no account has the e-mail %s", *email)
	}
	fmt.Printf("%s/password/reset?token=%s\n", strings.TrimRight(*baseURL, "/"), url.QueryEscape(secret))
	fmt.Fprintf(os.Stderr, "Pass this link to %s only; it works once, for %s.\n", u.Email, account.ResetTimeout)
	return nil
}

func runUserList(ctx context.Context, args []string) error {
	fs := newFlagSet("user list", "user list [--role ROLE] [--query TEXT]", "Prints the accounts, one per line: e-mail, role, name.")
	db := dbFlag(fs)
	role := fs.String("role", "", "only accounts with this role")
	query := fs.String("query", "", "only accounts whose e-mail or name contains this text")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *role != "" && !account.ValidRole(*role) {
		return fmt.Errorf("%w: --role %q is not one of %s", errUsage, *role, strings.Join(account.Roles, ", "))
	}
	st, err := openStore(ctx, *db, newLogger())
	if err != nil {
		return err
	}
	defer st.Close()
	for page := 1; ; page++ {
		users, p, err := st.Users(ctx, store.UserFilter{Query: *query, Role: *role, Page: page, PerPage: 100})
		if err != nil {
			return err
		}
		for _, u := range users {
			fmt.Printf("%s\t%s\t%s\n", u.Email, u.Role, u.Name)
		}
		if page >= p.Pages() {
			return nil
		}
	}
}
