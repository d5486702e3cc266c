"""The whiteboard's Pulumi program: a cloud-neutral configuration model, and one
subpackage per cloud (`aws`, later `gcp` and `azure`), each with a `deploy(config)`."""
