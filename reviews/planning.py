"""The planning rules of the source documents, each defined once, next to the calendar they are checked on.

The rule checker (:mod:`reviews.rules`), the reminders of each app and the analysis paper's due date
(:mod:`discussions.analysis`) all read these; none writes the number again. They are the documents' rules,
not settings: changing one is changing what the documents ask. The numbers the portal chose itself (when a
reminder goes out, how long a post may wait for moderation...) are live settings instead, changed by the
secretariat in the administration (``CONSTANCE_CONFIG`` in :mod:`portal.settings.base`).
"""

from datetime import timedelta

# 001: the stakeholder pre-consultation takes place at least 12 weeks before the Regional Review.
PRE_CONSULTATION_BEFORE_REVIEW = timedelta(weeks=12)
# 002: the online discussion space opens at least 8 weeks before the Regional Review.
DISCUSSION_SPACE_BEFORE_REVIEW = timedelta(weeks=8)
# 002: the first phase of the discussion space lasts four weeks.
PHASE_1_DURATION = timedelta(weeks=4)
# 002: the summary of the discussion (the analysis paper) is shared at least two weeks before the Regional Review.
SUMMARY_BEFORE_REVIEW = timedelta(weeks=2)
