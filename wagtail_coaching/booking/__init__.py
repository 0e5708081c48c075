"""Booking by the coachee: the coach's weekly availability and days off, the free slots a
coachee sees, and booking, moving and cancelling within the organisation's notice."""
