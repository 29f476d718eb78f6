package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"time"

	"github.com/google/uuid"

	"orderchat/internal/auth"
)

// token prints an HS256 JWT signed with ORDERCHAT_JWT_SECRET (or, with --dev, the
// development secret of `serve --dev`).
func token(_ context.Context, args []string) error {
	fs := flag.NewFlagSet("token", flag.ContinueOnError)
	sub := fs.String("sub", "", "the principal's UUID (the sub claim)")
	role := fs.String("role", "user", "admin or user")
	email := fs.String("email", "", "the email claim (optional)")
	name := fs.String("name", "", "the name claim (optional): the display name others see")
	ttl := fs.Duration("ttl", time.Hour, "how long the token is valid")
	dev := fs.Bool("dev", false, "sign with the development secret in .data/ (as `serve --dev` does)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	subject, err := uuid.Parse(*sub)
	if err != nil {
		return fmt.Errorf("--sub must be a UUID: %w", err)
	}
	if *role != string(auth.RoleUser) && *role != string(auth.RoleAdmin) {
		return errors.New("--role must be admin or user")
	}
	secret := os.Getenv("ORDERCHAT_JWT_SECRET")
	if *dev && secret == "" {
		if secret, err = devSecret(); err != nil {
			return err
		}
	}
	if secret == "" {
		return errors.New("ORDERCHAT_JWT_SECRET is unset (or pass --dev)")
	}
	signed, err := auth.Mint([]byte(secret), auth.Principal{Subject: subject, Email: *email, Name: *name, Role: auth.Role(*role)}, *ttl, time.Now())
	if err != nil {
		return err
	}
	fmt.Println(signed)
	return nil
}
