"""Staff sign-in: password, then a second factor (django-otp), lockout (django-axes), idle
expiry, and the audit of every sign-in, failure, lockout and sign-out."""
