from kite.cli import main

raise SystemExit(main())
