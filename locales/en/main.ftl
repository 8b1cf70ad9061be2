# BeerFlow, English. Every key here must be in every other language's main.ftl
# (`cargo test -p app --test locales` fails otherwise).

app-name = BeerFlow
language = Language

## Number conventions ($region: the venue locale's region when the venue speaks this language, else "none")

fmt-decimal = .
fmt-group = ,
fmt-money = { $symbol }{ $amount }
fmt-date = { $region ->
    [US] mdy
   *[other] dmy
}
fmt-clock = { $region ->
    [US] 12
    [CA] 12
    [AU] 12
    [IN] 12
   *[other] 24
}

## Shared words

loading = Loading…
save = Save
saved = Saved.
yes = yes
no = no
takeaway = Takeaway
covers = Covers
orders = Orders
ready-to-serve = Ready to serve
logout = Log out
nav-main = Main
nav-floor = Floor
nav-kitchen = Kitchen
nav-manage = Manage
title-floor = Floor · BeerFlow
title-order = Order · BeerFlow
title-kitchen = Kitchen · BeerFlow
title-manage = Manage · BeerFlow
live-online = Live
live-reconnecting = Reconnecting…
not-found = Page not found
not-found-back = Back to BeerFlow
unavailable-title = BeerFlow is not available right now
unavailable-advice = Your work is safe. Reload the page in a moment.

role-admin = admin
role-manager = manager
role-waiter = waiter
role-kitchen = kitchen
role-refused-title = Not for your role
role-refused = Your role ({ $role }) cannot use this screen.
role-refused-home = Go to your home screen

status-draft = Draft
status-confirmed = Sent
status-preparing = Cooking
status-ready = Ready
status-served = Served
status-completed = Completed
status-cancelled = Cancelled

table-free = free
table-occupied = occupied
table-reserved = reserved
table-cleaning = cleaning
table-out_of_service = out of service

## Login

login-title = Sign in · BeerFlow
login-sign-in = Sign in
login-signing-in = Signing in…
login-email = Email
login-password = Password

## Floor

floor-title = Floor
floor-tables = Tables
floor-seats = { $seats ->
    [one] 1 seat
   *[other] { $seats } seats
}
floor-open = { " " }· { $open } open
floor-set-free = Set { $table } free
floor-cleaned = Cleaned: set free
floor-view = Show the floor as
floor-view-plan = Plan
floor-view-list = List
floor-to-clean = To clean
plan-zoom = Zoom
plan-zoom-in = Zoom in
plan-zoom-out = Zoom out
floor-no-table = no table
loading-tables = Loading tables…

## Order pad

pad-table = Table { $table }
pad-table-unknown = Table
pad-menu = Menu
pad-label = Order pad
pad-search-label = Search the menu
pad-search = Search dishes
loading-menu = Loading the menu…
loading-orders = Loading orders…
pad-add-to-order = Add to the order
pad-new-order = New order
pad-empty = Tap dishes to add them.
pad-guests = guests
pad-oversell = More than can be promised:
pad-change-order = Change the order
pad-send-anyway = Send anyway
pad-total = Total
pad-send = Send to kitchen
pad-send-addition = Send addition
pad-over-promise = { $wanted } { $dish } asked, { $left } left to promise
pad-left = { $left } left
pad-add = Add { $dish }
pad-add-sold-out = Add { $dish } (sold out)
pad-sold-out = Sold out
pad-quantity-of = Quantity of { $dish }
pad-one-less = One less { $dish }
pad-one-more = One more { $dish }
pad-note = Note
pad-note-example = e.g. no onions
pad-allergy = Allergy
pad-allergy-example = e.g. nuts
orders-none = No open orders.

outbox-not-sent = Not sent yet
outbox-refused = Refused
outbox-waiting = Waiting to send
outbox-edit = Edit
outbox-discard = Discard
outbox-count = { $count } waiting to send

## Order cards

order-label = Order { $order }
order-total = Order total
order-covers = { $covers ->
    [one] 1 cover
   *[other] { $covers } covers
}
order-serve = Serve
order-complete = Complete
order-void = Void
order-move = Move
order-cancel = Cancel order
order-who-can = The kitchen has started this order: only a manager can void a line or cancel it. Ask the manager on duty.
line-allergy = Allergy:
line-voided = Voided:
shortfall-title = Cannot serve: insufficient stock
shortfall-not-enough = Not enough
shortfall-counts = { $ordered } ordered, only { $available } in stock.
shortfall-advice = Nothing was served or taken from stock. Void the line the kitchen cannot cover (or tell the guest), or ask a manager to check the stock count.
shortfall = { $product }: { $requested } ordered, { $available } in stock
void-group = Void a line
void-question = Why is this line voided?
void-example = e.g. guest changed mind
void-keep = Keep it
void-confirm = Void line
cancel-group = Cancel the order
cancel-question = Why is the order cancelled?
cancel-example = e.g. table left
cancel-keep = Keep the order
cancel-confirm = Cancel the order
move-group = Move the order
move-to = Move to
move-choose = Choose a table
move-stay = Stay
move-confirm = Move order

## Kitchen display

kds-title = Kitchen display
kds-open-tickets = Open tickets
kds-new = New
kds-cooking = Cooking
kds-ready = Ready
kds-state-new = New
kds-state-cooking = Cooking
kds-state-ready = Ready
kds-mark-ready = Ready
kds-start = Start
kds-cancelled = Cancelled
kds-station = Station
kds-station-all = All stations
kds-station-kitchen = Kitchen
kds-station-bar = Bar
kds-show-ready = Show ready
kds-text-size = Text size
kds-smaller = Smaller text
kds-larger = Larger text
kds-sound = Sound
kds-clear-cancelled = Clear cancelled ({ $count })
kds-recall = Recall
kds-recall-failed = Recall failed: { $error }
kds-not-sent = Not sent: no connection. Tap again when Live.
kds-previous-page = Previous page
kds-next-page = Next page
kds-earlier = { $count } earlier
kds-more = +{ $count } more
kds-page-of = Page { $page } of { $pages }
loading-tickets = Loading tickets…
kds-tickets = Tickets
kds-empty = No tickets. All caught up.
kds-alerts = Kitchen alerts
kds-alert-dismiss = Dismiss
kds-seen-clear = Seen: clear
kds-ticket-label = Order { $order } for { $place }, { $state }
kds-sent-at = Sent to the kitchen at
kds-sent-at-time = at { $time }
kds-age = Time since it reached the kitchen
kds-recalled = Recalled
kds-no-reason = no reason given
kds-cancelled-caps = CANCELLED:
kds-void-caps = VOID:
kds-allergy-caps = ALLERGY:
kds-added = Added
kds-line = { $qty } { $dish }
kds-line-done = { $qty } { $dish } (done)
kds-line-voided = { $qty } { $dish } (voided)
kds-all-day = All day
kds-nothing = Nothing to cook

## Manager

manage-title = Manage
settings-warn = Tickets turn amber after (minutes)
settings-late = Tickets turn red after (minutes)
venue-title = Venue: language, money and time
venue-language = Default language of the screens
venue-currency = Currency (ISO 4217, e.g. EUR)
venue-locale = Locale for numbers and times (e.g. it-IT, en-GB)
venue-timezone = Time zone (e.g. Europe/Rome)
staff-title = Staff
staff-name = Name
staff-email = Email
staff-role = Role
staff-active = Active

## Messages of the use cases (by the key the server gives them)

err-network = The server could not be reached. Check the connection and try again.
err-internal = Something went wrong on the server. Try again; if it keeps failing, tell the manager.
err-database-unavailable = The database is unavailable. Try again in a moment.
err-insufficient-stock = Insufficient stock: { $lines }
err-too-many-logins = Too many failed sign-ins: try again in { $seconds } seconds.
err-login = Invalid email or password.
err-account-gone = This account is unknown or deactivated.
err-other-venue = This venue is not yours.
err-role = Your role ({ $role }) cannot do this.
err-role-transition = Your role ({ $role }) cannot move an order from { $from } to { $to }.
err-status-transition = Order { $order } cannot go from { $from } to { $to }.
err-order-empty = Order { $order } has no items: add some before sending it.
err-not-in-kitchen = Order { $order } is { $status }: only tickets in the kitchen have lines to mark.
err-void-reason = Say why the line is voided.
err-void-too-late = Order { $order } is { $status }: its lines can no longer be voided.
err-void-role = Your role ({ $role }) cannot void a line of an order that is { $status }: a manager can.
err-order-closed = Order { $order } is { $status }: only open orders can be changed.
err-covers = Covers must be between 1 and { $max }.
err-no-lines = The order is empty: add at least one dish.
err-text-length = { $field } must be 1 to { $max } characters.
err-not-found = This { $what } no longer exists.
err-kds-warn-range = Amber must be between { $min } and { $max } minutes.
err-kds-late-range = Red must be between { $min } and { $max } minutes.
err-kds-late-after-warn = Red must come after amber (more than { $warn } minutes).
err-timezone = “{ $timezone }” is not a time zone (e.g. Europe/Rome).
err-currency = “{ $currency }” is not an ISO 4217 currency code (e.g. EUR).
err-language = “{ $language }” is not a language of BeerFlow ({ $languages }).
err-locale = “{ $locale }” is not a locale of a language of BeerFlow (e.g. it-IT, en-GB).
err-layout-stale = Another manager changed the floor plan since it was loaded: reload it to see their changes.
err-table-open-orders = Table { $table } has { $count } open orders: complete or cancel them before deleting it.
err-table-busy = Table { $table } has { $count } open orders: complete or cancel them first.
err-table-out-of-service = Table { $table } is out of service.
err-table-added-twice = Two new tables are called { $table }.
err-off-sale = { $product } is no longer on sale: take it off the order.
err-no-more-items = Order { $order } is { $status }: dishes can be added only until it is ready.
err-not-deletable = Order { $order } is { $status }: only a draft or a cancelled order can be deleted (cancel it first).
err-last-line = This is the last line of order { $order }: cancel the order instead.
err-line-voided = The line { $product } of order { $order } is already voided.
err-deactivate-self = You cannot deactivate your own account.
err-lot-unit = This product is counted in { $unit }, not { $given }.
err-waste-sign = Waste takes stock away: the quantity must be below zero.
err-kind-bad_request = The request was refused: check what was entered.
err-kind-unauthorized = Sign in again.
err-kind-forbidden = Your role cannot do this.
err-kind-not_found = This no longer exists.
err-kind-conflict = Someone changed this in the meantime: look again and retry.
err-kind-method_not_allowed = This cannot be done here.
err-kind-payload_too_large = Too much was sent at once.
err-kind-too_many_requests = Too many attempts: wait a moment.
err-kind-service_unavailable = BeerFlow is not available right now. Try again in a moment.
err-kind-internal_error = Something went wrong on the server.

## The floor-plan editor

nav-plan = Floor plan
plan-title = Floor plan
plan-lead = Drag a table to move it, a square handle to resize it, the round one to turn it. Nothing is saved until you press Save.
plan-add = Add table
plan-undo = Undo
plan-redo = Redo
plan-save = Save floor plan
plan-saving = Saving…
plan-saved = Floor plan saved.
plan-unsaved = Unsaved changes
plan-stale = Another manager changed the floor plan since you opened it: your save would be refused. Reload it to see their changes (yours are lost).
plan-reload = Reload the floor plan
plan-leave-unsaved = The floor plan has unsaved changes. Leave without saving?
plan-area = Area
plan-areas = Areas
plan-no-area = No area
plan-table = Table
plan-name = Name
plan-seats = Seats
plan-shape = Shape
plan-shape-square = Square
plan-shape-rect = Rectangle
plan-shape-round = Round
plan-size = { $width } × { $height } cm
plan-rotation = turned { $degrees }°
plan-rotate-left = ⟲ 15°
plan-rotate-right = ⟳ 15°
plan-duplicate = Duplicate
plan-delete = Delete table
plan-select-hint = Select a table to change its name, seats, shape and area.
plan-overlaps = Overlaps { $tables }: allowed, but check the room.
plan-name-empty = Give the table a name (1 to 50 characters).
plan-name-taken = Another table is already called { $name }.
plan-seats-range = Seats must be between 1 and 100.
plan-keyboard = Floor plan. Arrow keys move the selected table by 10 cm, Delete removes it, Ctrl+Z undoes.
plan-table-label = { $name }, { $seats } seats, { $status }

## The recall screen (a lot's food-safety trace)

nav-recall = Recall
title-recall = Recall · BeerFlow
recall-title = Recall a lot
recall-lead = Find a lot by its code or product: every order it was served to, at which table and when, and every movement of its stock. Download it as CSV for the health authority.
recall-lots = Lots
recall-search = Lot code or product
recall-search-hint = e.g. MOZ-2412 or mozzarella
recall-no-lots = No lot matches.
recall-pick = Pick a lot to see its trace.
recall-trace = Trace
recall-lot = lot { $code }
recall-received = received { $date }
recall-expires = expires { $date }
recall-left = { $qty } left
recall-received-at = Received
recall-supplier = Supplier
recall-expiry = Expiry
recall-location = Storage
recall-qty-in = Received quantity
recall-qty-left = Left
recall-none = —
recall-csv = Download CSV
recall-served = { $orders ->
    [0] Served to no order
    [one] Served to 1 order
   *[other] Served to { $orders } orders
}
recall-not-served = Nothing of this lot has been served.
recall-movements = Every movement
recall-col-order = Order
recall-col-table = Table
recall-col-served = Served
recall-col-qty = Quantity
recall-col-time = Time
recall-col-movement = Movement
recall-col-what = Order or reason
movement-in = Received
movement-out = Served
movement-adjust = Adjusted
movement-waste = Wasted

# The manager's screens
cancel = Cancel
nav-manage-screens = Manager screens
nav-overview = Overview
nav-menu = Menu
nav-stock = Stock
nav-staff = Staff
nav-alerts = Alerts
title-menu = Menu · BeerFlow
title-stock = Stock · BeerFlow
title-staff = Staff · BeerFlow
title-alerts = Alerts · BeerFlow
manage-settings = Venue settings
overview-room = The room now
overview-kitchen = The kitchen now
overview-stock = Stock needing attention
overview-alerts = Recent alerts
overview-open-tickets = open tickets
overview-late-tickets = late (over { $minutes } min)
overview-avg-prep = average preparation today
overview-minutes = { $minutes } min
overview-stock-fine = Nothing below minimum, expiring or expired.
overview-below-min = { $product }: below minimum, { $qty } left
overview-expired = { $product }, lot { $lot }: expired, { $qty } to record as waste
overview-expiring = { $product }, lot { $lot }: expires { $date } ({ $days ->
    [0] today
    [one] in 1 day
   *[other] in { $days } days
})
alerts-title = Alerts
alerts-lead = Stock and kitchen alerts of the venue, newest first. New ones appear at the top as they happen.
alerts-none = No alerts.
alert-stock-low = { $product } is running low: { $qty } left
alert-stock-expiring = { $product } has stock expiring soon: { $qty }
alert-stock-expired = { $product } has expired stock: { $qty }
alert-lot-expiring = Lot { $lot } of { $product } expires on { $date }: { $qty } left in it
alert-lot-expired = Lot { $lot } of { $product } expired on { $date }: { $qty } still in stock; record it as waste
alert-ticket-late = Order { $order } ({ $place }) has waited { $minutes } minutes
alert-slow = The system is slow: one step took { $took } ({ $operation }). If it goes on, tell the manager.
menu-title = Menu
menu-sections = Menu sections
menu-products = Products
menu-categories = Categories
menu-suppliers = Suppliers
menu-product = Product
menu-category = Category
menu-supplier = Supplier
menu-search = Search by name or SKU
menu-filter-category = Category
menu-all-categories = All categories
menu-show-inactive = Show inactive
menu-new-product = New product
menu-edit-product = Edit product
menu-new-category = New category
menu-edit-category = Edit category
menu-new-supplier = New supplier
menu-edit-supplier = Edit supplier
menu-pick-product = Pick a product to edit, or create a new one.
menu-no-products = No product matches.
menu-col-name = Name
menu-col-category = Category
menu-col-price = Price
menu-col-stock = Stock
menu-col-actions = Actions
menu-sku = SKU
menu-unit = Unit
menu-cost = Cost
menu-none = (none)
menu-track-stock = Track stock (deducted by FEFO when served)
menu-min-stock = Minimum stock
menu-tracked = tracked
menu-not-tracked = not tracked
menu-min = tracked, min { $qty }
menu-inactive = inactive
menu-edit = Edit
menu-edit-named = Edit { $name }
menu-deactivate = Deactivate
menu-deactivate-named = Deactivate { $name }
menu-activate = Reactivate
menu-activate-named = Reactivate { $name }
menu-saved = Saved: { $name }
menu-sort-order = Order
menu-station = Station
menu-contact = Contact
menu-contact-name = Contact name
menu-phone = Phone
menu-email = Email
stock-title = Stock
stock-receive = Receive a lot
stock-receive-button = Receive
stock-received = Received just now
stock-received-line = { $lot }: { $qty } of { $product }
stock-product = Product
stock-pick-product = Pick the product
stock-lot-code = Lot code
stock-quantity = Quantity
stock-cost = Cost per unit
stock-expiry = Expiry date
stock-location = Location
stock-on-hand = On hand
stock-col-on-hand = On hand
stock-col-lots = Lots
stock-col-next-expiry = Next expiry
stock-lots = Lots
stock-lots-of = Lots of { $product }
stock-no-lots = No lot with stock left.
stock-below-min = below minimum ({ $qty })
stock-expired-qty = { $qty } expired
stock-no-expiry = no expiry
stock-expires-today = expires today
stock-days-left = { $days ->
    [one] 1 day left
   *[other] { $days } days left
}
stock-expired-ago = { $days ->
    [one] expired yesterday
   *[other] expired { $days } days ago
}
stock-expired = Expired lots
stock-expired-hint = Never served (FEFO skips them). Record what is left as waste once it has been thrown away.
stock-waste-expired = Record as waste
stock-waste-expired-named = Record lot { $lot } as waste
stock-adjust = Waste / adjust
stock-adjust-named = Waste or adjust lot { $lot }
stock-adjust-kind = Kind of movement
stock-waste = Waste
stock-correction = Counted correction
stock-waste-hint = How much was thrown away; it is taken off the lot.
stock-correction-hint = The difference found by counting: positive adds, negative removes.
stock-adjust-qty = Quantity ({ $unit })
stock-reason = Reason
stock-record-waste = Record waste
stock-record-correction = Record correction
stock-fefo-title = Next portions (FEFO)
stock-fefo-portions = Portions
stock-fefo-show = Show the lots
stock-fefo-short = Not enough usable stock: only { $available } available.
staff-new = New staff account
staff-password = Password (at least 8 characters)
staff-create = Create account
staff-created = Account created: { $name }
staff-deactivate = Deactivate
staff-deactivate-named = Deactivate { $name }
staff-reset = New password
staff-reset-named = Set a new password for { $name }
staff-new-password = New password
staff-reset-save = Set password
staff-reset-done = New password set for { $name }.
err-required = This is required.
err-number = Type a number, like 12.50.
err-negative = Must not be negative.
err-positive = Must be more than zero.
err-whole = Type a whole number.
err-password-length = The password must be at least { $min } characters.
err-sku-taken = The SKU { $sku } is already used by another product.
err-lot-code-taken = This product already has a lot { $lot }.
err-below-zero = Lot { $lot } holds only { $held } { $unit }: that would take it below zero.
err-lot-not-expired = Lot { $lot } has not expired.
err-lot-empty = Lot { $lot } has nothing left.
