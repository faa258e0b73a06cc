# Operations shortcuts (docs/operations.md, "Backup and restore").
#   make backup                       → $(BACKUP_DIR)/congress-<UTC timestamp>/ (keeps $(BACKUP_KEEP))
#   make restore FROM=data/backups/congress-20261126T020000Z [TARGET_DATABASE_URL=postgres://…/new] [RESTORE_ARGS=--create]
#   make restore-drill FROM=… TARGET_DATABASE_URL=postgres://…/congress_restore_drill
PYTHON ?= .venv/bin/python
BACKUP_DIR ?= data/backups
BACKUP_KEEP ?= 14
RESTORE_ARGS ?=

.PHONY: backup restore restore-drill

backup:
	$(PYTHON) manage.py backup --dest "$(BACKUP_DIR)" --keep $(BACKUP_KEEP)

restore:
	@test -n "$(FROM)" || { echo "usage: make restore FROM=<backup folder> [TARGET_DATABASE_URL=…] [RESTORE_ARGS=--create|--clean]"; exit 2; }
	$(PYTHON) manage.py restore "$(FROM)" $(if $(TARGET_DATABASE_URL),--database-url "$(TARGET_DATABASE_URL)") $(RESTORE_ARGS)

# The monthly drill: restore the newest backup into a new database and media folders next to it.
restore-drill:
	@test -n "$(FROM)" -a -n "$(TARGET_DATABASE_URL)" || { echo "usage: make restore-drill FROM=<folder> TARGET_DATABASE_URL=postgres://…/<new db>"; exit 2; }
	$(PYTHON) manage.py restore "$(FROM)" --database-url "$(TARGET_DATABASE_URL)" --create \
		--media-root "$(FROM).drill/media" --private-media-root "$(FROM).drill/private"
