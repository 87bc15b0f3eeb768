"""The ``tierslieux`` command (:func:`.main.main`). Kept light: a command imports what it
needs when it runs, so ``tierslieux --help`` and ``tierslieux validate`` stay fast."""
