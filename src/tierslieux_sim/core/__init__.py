"""The bottom layer, used by every other: the message catalogue (:mod:`.i18n`), French and
English number formats (:mod:`.formatting`), notices and warnings (:mod:`.notices`), text
made safe to show (:mod:`.safe_text`), atomic file writes (:mod:`.atomic`), the memory
allocator's settings (:mod:`.allocator`) and the sourced reference values (:mod:`.reference`).
It imports nothing else from the package."""
