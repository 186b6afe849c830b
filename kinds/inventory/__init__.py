"""The disconnection inventory: each partner rates, now and then, how true ten quiet signs of
drifting apart have felt lately, so the counselor can see change between takes."""
