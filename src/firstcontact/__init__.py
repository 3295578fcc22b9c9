"""FirstContact: a shared customer-contact platform for a partnership of councils and agencies."""
