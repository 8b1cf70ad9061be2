# BeerFlow, italiano. Ogni chiave di locales/en/main.ftl deve esserci anche qui
# (`cargo test -p app --test locales` fallisce altrimenti).

app-name = BeerFlow
language = Lingua

## Convenzioni dei numeri ($region: la regione del locale del locale se parla italiano, altrimenti "none")

fmt-decimal = ,
fmt-group = .
fmt-money = { $symbol } { $amount }
fmt-date = { $region ->
   *[other] dmy
}
fmt-clock = { $region ->
   *[other] 24
}

## Parole comuni

loading = Caricamento…
save = Salva
saved = Salvato.
yes = sì
no = no
takeaway = Asporto
covers = Coperti
orders = Comande
ready-to-serve = Pronto da servire
logout = Esci
nav-main = Principale
nav-floor = Sala
nav-kitchen = Cucina
nav-manage = Gestione
title-floor = Sala · BeerFlow
title-order = Comanda · BeerFlow
title-kitchen = Cucina · BeerFlow
title-manage = Gestione · BeerFlow
live-online = In linea
live-reconnecting = Riconnessione…
not-found = Pagina non trovata
not-found-back = Torna a BeerFlow
unavailable-title = BeerFlow non è disponibile in questo momento
unavailable-advice = Il tuo lavoro è al sicuro. Ricarica la pagina tra poco.

role-admin = amministratore
role-manager = responsabile
role-waiter = cameriere
role-kitchen = cucina
role-refused-title = Non per il tuo ruolo
role-refused = Il tuo ruolo ({ $role }) non può usare questa schermata.
role-refused-home = Vai alla tua schermata

status-draft = Bozza
status-confirmed = Inviata
status-preparing = In preparazione
status-ready = Pronta
status-served = Servita
status-completed = Chiusa
status-cancelled = Annullata

table-free = libero
table-occupied = occupato
table-reserved = prenotato
table-cleaning = da pulire
table-out_of_service = fuori servizio

## Accesso

login-title = Accedi · BeerFlow
login-sign-in = Accedi
login-signing-in = Accesso in corso…
login-email = Email
login-password = Password

## Sala

floor-title = Sala
floor-tables = Tavoli
floor-seats = { $seats ->
    [one] 1 posto
   *[other] { $seats } posti
}
floor-open = { " " }· { $open ->
    [one] 1 aperta
   *[other] { $open } aperte
}
floor-set-free = Libera il tavolo { $table }
floor-cleaned = Pulito: libera
floor-view = Mostra la sala come
floor-view-plan = Pianta
floor-view-list = Elenco
floor-to-clean = Da pulire
plan-zoom = Zoom
plan-zoom-in = Ingrandisci
plan-zoom-out = Riduci
floor-no-table = senza tavolo
loading-tables = Caricamento dei tavoli…

## Comanda

pad-table = Tavolo { $table }
pad-table-unknown = Tavolo
pad-menu = Menù
pad-label = Comanda
pad-search-label = Cerca nel menù
pad-search = Cerca piatti
loading-menu = Caricamento del menù…
loading-orders = Caricamento delle comande…
pad-add-to-order = Aggiungi alla comanda
pad-new-order = Nuova comanda
pad-empty = Tocca i piatti per aggiungerli.
pad-guests = ospiti
pad-oversell = Più di quanto si può promettere:
pad-change-order = Modifica la comanda
pad-send-anyway = Invia comunque
pad-total = Totale
pad-send = Invia in cucina
pad-send-addition = Invia aggiunta
pad-over-promise = { $wanted } { $dish } richiesti, { $left } ancora disponibili
pad-left = { $count ->
    [one] ne resta { $left }
   *[other] ne restano { $left }
}
pad-add = Aggiungi { $dish }
pad-add-sold-out = Aggiungi { $dish } (esaurito)
pad-sold-out = Esaurito
pad-quantity-of = Quantità di { $dish }
pad-one-less = Un { $dish } in meno
pad-one-more = Un { $dish } in più
pad-note = Nota
pad-note-example = es. senza cipolla
pad-allergy = Allergia
pad-allergy-example = es. frutta a guscio
orders-none = Nessuna comanda aperta.

outbox-not-sent = Non ancora inviate
outbox-refused = Rifiutata
outbox-waiting = In attesa di invio
outbox-edit = Modifica
outbox-discard = Scarta
outbox-count = { $count ->
    [one] 1 in attesa di invio
   *[other] { $count } in attesa di invio
}

## Comande

order-label = Comanda { $order }
order-total = Totale della comanda
order-covers = { $covers ->
    [one] 1 coperto
   *[other] { $covers } coperti
}
order-serve = Servi
order-complete = Chiudi
order-void = Storna
order-move = Sposta
order-cancel = Annulla comanda
order-who-can = La cucina ha iniziato questa comanda: solo un responsabile può stornare una riga o annullarla. Chiedi al responsabile di turno.
line-allergy = Allergia:
line-voided = Stornata:
shortfall-title = Impossibile servire: scorte insufficienti
shortfall-not-enough = Non basta
shortfall-counts = { $ordered } ordinati, solo { $available } in magazzino.
shortfall-advice = Nulla è stato servito né tolto dal magazzino. Storna la riga che la cucina non può coprire (o avvisa l'ospite), oppure chiedi a un responsabile di controllare le scorte.
shortfall = { $product }: { $requested } ordinati, { $available } in magazzino
void-group = Storna una riga
void-question = Perché stornare questa riga?
void-example = es. l'ospite ha cambiato idea
void-keep = Tienila
void-confirm = Storna riga
cancel-group = Annulla la comanda
cancel-question = Perché annullare la comanda?
cancel-example = es. il tavolo se n'è andato
cancel-keep = Tieni la comanda
cancel-confirm = Annulla la comanda
move-group = Sposta la comanda
move-to = Sposta a
move-choose = Scegli un tavolo
move-stay = Resta
move-confirm = Sposta comanda

## Display della cucina

kds-title = Display della cucina
kds-open-tickets = Comande aperte
kds-new = Nuove
kds-cooking = In preparazione
kds-ready = Pronte
kds-state-new = Nuova
kds-state-cooking = In preparazione
kds-state-ready = Pronta
kds-mark-ready = Pronta
kds-start = Inizia
kds-cancelled = Annullata
kds-station = Postazione
kds-station-all = Tutte le postazioni
kds-station-kitchen = Cucina
kds-station-bar = Bar
kds-show-ready = Mostra pronte
kds-text-size = Dimensione del testo
kds-smaller = Testo più piccolo
kds-larger = Testo più grande
kds-sound = Suono
kds-clear-cancelled = Togli annullate ({ $count })
kds-recall = Richiama
kds-recall-failed = Richiamo non riuscito: { $error }
kds-not-sent = Non inviato: nessuna connessione. Tocca di nuovo quando sei in linea.
kds-previous-page = Pagina precedente
kds-next-page = Pagina successiva
kds-earlier = { $count } prima
kds-more = +{ $count } altre
kds-page-of = Pagina { $page } di { $pages }
loading-tickets = Caricamento delle comande…
kds-tickets = Comande
kds-empty = Nessuna comanda. Tutto in pari.
kds-alerts = Avvisi della cucina
kds-alert-dismiss = Chiudi
kds-seen-clear = Vista: togli
kds-ticket-label = Comanda { $order } per { $place }, { $state }
kds-sent-at = Arrivata in cucina alle
kds-sent-at-time = ore { $time }
kds-age = Tempo da quando è arrivata in cucina
kds-recalled = Richiamata
kds-no-reason = nessun motivo indicato
kds-cancelled-caps = ANNULLATA:
kds-void-caps = STORNO:
kds-allergy-caps = ALLERGIA:
kds-added = Aggiunta
kds-line = { $qty } { $dish }
kds-line-done = { $qty } { $dish } (fatto)
kds-line-voided = { $qty } { $dish } (stornato)
kds-all-day = Totale da preparare
kds-nothing = Niente da preparare

## Gestione

manage-title = Gestione
settings-warn = Le comande diventano gialle dopo (minuti)
settings-late = Le comande diventano rosse dopo (minuti)
venue-title = Locale: lingua, valuta e orario
venue-language = Lingua predefinita delle schermate
venue-currency = Valuta (ISO 4217, es. EUR)
venue-locale = Formato di numeri e orari (es. it-IT, en-GB)
venue-timezone = Fuso orario (es. Europe/Rome)
staff-title = Personale
staff-name = Nome
staff-email = Email
staff-role = Ruolo
staff-active = Attivo

## Messaggi dei casi d'uso (per la chiave che dà il server)

err-network = Impossibile raggiungere il server. Controlla la connessione e riprova.
err-internal = Qualcosa è andato storto sul server. Riprova; se continua, avvisa il responsabile.
err-database-unavailable = Il database non è disponibile. Riprova tra poco.
err-insufficient-stock = Scorte insufficienti: { $lines }
err-too-many-logins = Troppi accessi falliti: riprova tra { $seconds } secondi.
err-login = Email o password non corrette.
err-account-gone = Questo account non esiste o è disattivato.
err-other-venue = Questo locale non è il tuo.
err-role = Il tuo ruolo ({ $role }) non può farlo.
err-role-transition = Il tuo ruolo ({ $role }) non può portare una comanda da «{ $from }» a «{ $to }».
err-status-transition = La comanda { $order } non può passare da «{ $from }» a «{ $to }».
err-order-empty = La comanda { $order } è vuota: aggiungi qualcosa prima di inviarla.
err-not-in-kitchen = La comanda { $order } è «{ $status }»: solo le comande in cucina hanno righe da segnare.
err-void-reason = Indica perché stornare la riga.
err-void-too-late = La comanda { $order } è «{ $status }»: le sue righe non si possono più stornare.
err-void-role = Il tuo ruolo ({ $role }) non può stornare una riga di una comanda «{ $status }»: un responsabile sì.
err-order-closed = La comanda { $order } è «{ $status }»: si possono modificare solo le comande aperte.
err-covers = I coperti devono essere tra 1 e { $max }.
err-no-lines = La comanda è vuota: aggiungi almeno un piatto.
err-text-length = { $field } deve avere da 1 a { $max } caratteri.
err-not-found = Questo elemento ({ $what }) non esiste più.
err-kds-warn-range = Il giallo deve essere tra { $min } e { $max } minuti.
err-kds-late-range = Il rosso deve essere tra { $min } e { $max } minuti.
err-kds-late-after-warn = Il rosso deve venire dopo il giallo (più di { $warn } minuti).
err-timezone = «{ $timezone }» non è un fuso orario (es. Europe/Rome).
err-currency = «{ $currency }» non è un codice di valuta ISO 4217 (es. EUR).
err-language = «{ $language }» non è una lingua di BeerFlow ({ $languages }).
err-locale = «{ $locale }» non è un formato di una lingua di BeerFlow (es. it-IT, en-GB).
err-layout-stale = Un altro responsabile ha cambiato la pianta da quando è stata caricata: ricaricala per vedere le sue modifiche.
err-table-open-orders = Il tavolo { $table } ha { $count } comande aperte: chiudile o annullale prima di eliminarlo.
err-table-busy = Il tavolo { $table } ha { $count } comande aperte: chiudile o annullale prima.
err-table-out-of-service = Il tavolo { $table } è fuori servizio.
err-table-added-twice = Due tavoli nuovi si chiamano { $table }.
err-off-sale = { $product } non è più in vendita: toglilo dalla comanda.
err-no-more-items = La comanda { $order } è «{ $status }»: si possono aggiungere piatti solo finché non è pronta.
err-not-deletable = La comanda { $order } è «{ $status }»: si può eliminare solo una bozza o una comanda annullata (prima annullala).
err-last-line = È l'ultima riga della comanda { $order }: annulla invece la comanda.
err-line-voided = La riga { $product } della comanda { $order } è già stornata.
err-deactivate-self = Non puoi disattivare il tuo account.
err-lot-unit = Questo prodotto si conta in { $unit }, non in { $given }.
err-waste-sign = Lo scarto toglie merce: la quantità deve essere sotto zero.
err-kind-bad_request = Richiesta rifiutata: controlla i dati inseriti.
err-kind-unauthorized = Accedi di nuovo.
err-kind-forbidden = Il tuo ruolo non può farlo.
err-kind-not_found = Non esiste più.
err-kind-conflict = Qualcuno l'ha cambiato nel frattempo: guarda di nuovo e riprova.
err-kind-method_not_allowed = Non si può fare qui.
err-kind-payload_too_large = Troppi dati inviati in una volta.
err-kind-too_many_requests = Troppi tentativi: aspetta un momento.
err-kind-service_unavailable = BeerFlow non è disponibile in questo momento. Riprova tra poco.
err-kind-internal_error = Qualcosa è andato storto sul server.

## The floor-plan editor

nav-plan = Pianta
plan-title = Pianta della sala
plan-lead = Trascina un tavolo per spostarlo, una maniglia quadrata per ridimensionarlo, quella tonda per ruotarlo. Nulla è salvato finché non premi Salva.
plan-add = Aggiungi tavolo
plan-undo = Annulla
plan-redo = Ripeti
plan-save = Salva la pianta
plan-saving = Salvataggio…
plan-saved = Pianta salvata.
plan-unsaved = Modifiche non salvate
plan-stale = Un altro responsabile ha cambiato la pianta da quando l'hai aperta: il tuo salvataggio sarebbe rifiutato. Ricaricala per vedere le sue modifiche (le tue vanno perse).
plan-reload = Ricarica la pianta
plan-leave-unsaved = La pianta ha modifiche non salvate. Uscire senza salvare?
plan-area = Zona
plan-areas = Zone
plan-no-area = Senza zona
plan-table = Tavolo
plan-name = Nome
plan-seats = Coperti
plan-shape = Forma
plan-shape-square = Quadrato
plan-shape-rect = Rettangolare
plan-shape-round = Rotondo
plan-size = { $width } × { $height } cm
plan-rotation = ruotato di { $degrees }°
plan-rotate-left = ⟲ 15°
plan-rotate-right = ⟳ 15°
plan-duplicate = Duplica
plan-delete = Elimina tavolo
plan-select-hint = Seleziona un tavolo per cambiarne nome, coperti, forma e zona.
plan-overlaps = Si sovrappone a { $tables }: consentito, ma controlla la sala.
plan-name-empty = Dai un nome al tavolo (da 1 a 50 caratteri).
plan-name-taken = Un altro tavolo si chiama già { $name }.
plan-seats-range = I coperti devono essere tra 1 e 100.
plan-keyboard = Pianta della sala. Le frecce spostano il tavolo selezionato di 10 cm, Canc lo elimina, Ctrl+Z annulla.
plan-table-label = { $name }, { $seats } coperti, { $status }

## Il richiamo (la tracciabilità di un lotto)

nav-recall = Richiamo
title-recall = Richiamo · BeerFlow
recall-title = Richiamo di un lotto
recall-lead = Cerca un lotto per codice o prodotto: ogni comanda a cui è stato servito, a quale tavolo e quando, e ogni movimento del suo magazzino. Scaricalo in CSV per l'ASL.
recall-lots = Lotti
recall-search = Codice lotto o prodotto
recall-search-hint = es. MOZ-2412 o mozzarella
recall-no-lots = Nessun lotto corrisponde.
recall-pick = Scegli un lotto per vederne la tracciabilità.
recall-trace = Tracciabilità
recall-lot = lotto { $code }
recall-received = ricevuto il { $date }
recall-expires = scade il { $date }
recall-left = { $qty } rimasti
recall-received-at = Ricevuto
recall-supplier = Fornitore
recall-expiry = Scadenza
recall-location = Conservazione
recall-qty-in = Quantità ricevuta
recall-qty-left = Rimasto
recall-none = —
recall-csv = Scarica CSV
recall-served = { $orders ->
    [0] Non servito a nessuna comanda
    [one] Servito a 1 comanda
   *[other] Servito a { $orders } comande
}
recall-not-served = Di questo lotto non è stato servito nulla.
recall-movements = Tutti i movimenti
recall-col-order = Comanda
recall-col-table = Tavolo
recall-col-served = Servito
recall-col-qty = Quantità
recall-col-time = Ora
recall-col-movement = Movimento
recall-col-what = Comanda o motivo
movement-in = Ricevuto
movement-out = Servito
movement-adjust = Rettificato
movement-waste = Scartato

# Le schermate del responsabile
cancel = Annulla
nav-manage-screens = Schermate di gestione
nav-overview = Panoramica
nav-menu = Menù
nav-stock = Magazzino
nav-staff = Personale
nav-alerts = Avvisi
title-menu = Menù · BeerFlow
title-stock = Magazzino · BeerFlow
title-staff = Personale · BeerFlow
title-alerts = Avvisi · BeerFlow
manage-settings = Impostazioni del locale
overview-room = La sala adesso
overview-kitchen = La cucina adesso
overview-stock = Magazzino da controllare
overview-alerts = Avvisi recenti
overview-open-tickets = comande aperte
overview-late-tickets = in ritardo (oltre { $minutes } min)
overview-avg-prep = preparazione media oggi
overview-minutes = { $minutes } min
overview-stock-fine = Niente sotto scorta, in scadenza o scaduto.
overview-below-min = { $product }: sotto scorta minima, restano { $qty }
overview-expired = { $product }, lotto { $lot }: scaduto, { $qty } da registrare come scarto
overview-expiring = { $product }, lotto { $lot }: scade il { $date } ({ $days ->
    [0] oggi
    [one] tra 1 giorno
   *[other] tra { $days } giorni
})
alerts-title = Avvisi
alerts-lead = Avvisi di magazzino e di cucina del locale, dal più recente. I nuovi compaiono in cima appena succedono.
alerts-none = Nessun avviso.
alert-stock-low = { $product } sta finendo: restano { $qty }
alert-stock-expiring = { $product } ha scorte in scadenza: { $qty }
alert-stock-expired = { $product } ha scorte scadute: { $qty }
alert-lot-expiring = Il lotto { $lot } di { $product } scade il { $date }: ne restano { $qty }
alert-lot-expired = Il lotto { $lot } di { $product } è scaduto il { $date }: { $qty } ancora in magazzino; registralo come scarto
alert-ticket-late = La comanda { $order } ({ $place }) aspetta da { $minutes } minuti
alert-slow = Il sistema è lento: un passaggio ha richiesto { $took } ({ $operation }). Se continua, avvisa il responsabile.
menu-title = Menù
menu-sections = Sezioni del menù
menu-products = Prodotti
menu-categories = Categorie
menu-suppliers = Fornitori
menu-product = Prodotto
menu-category = Categoria
menu-supplier = Fornitore
menu-search = Cerca per nome o codice
menu-filter-category = Categoria
menu-all-categories = Tutte le categorie
menu-show-inactive = Mostra i disattivati
menu-new-product = Nuovo prodotto
menu-edit-product = Modifica prodotto
menu-new-category = Nuova categoria
menu-edit-category = Modifica categoria
menu-new-supplier = Nuovo fornitore
menu-edit-supplier = Modifica fornitore
menu-pick-product = Scegli un prodotto da modificare, o creane uno nuovo.
menu-no-products = Nessun prodotto corrisponde.
menu-col-name = Nome
menu-col-category = Categoria
menu-col-price = Prezzo
menu-col-stock = Scorte
menu-col-actions = Azioni
menu-sku = Codice (SKU)
menu-unit = Unità
menu-cost = Costo
menu-none = (nessuno)
menu-track-stock = Gestisci le scorte (scalate FEFO al servizio)
menu-min-stock = Scorta minima
menu-tracked = gestite
menu-not-tracked = non gestite
menu-min = gestite, minimo { $qty }
menu-inactive = disattivato
menu-edit = Modifica
menu-edit-named = Modifica { $name }
menu-deactivate = Disattiva
menu-deactivate-named = Disattiva { $name }
menu-activate = Riattiva
menu-activate-named = Riattiva { $name }
menu-saved = Salvato: { $name }
menu-sort-order = Ordine
menu-station = Reparto
menu-contact = Contatto
menu-contact-name = Referente
menu-phone = Telefono
menu-email = Email
stock-title = Magazzino
stock-receive = Ricevi un lotto
stock-receive-button = Ricevi
stock-received = Appena ricevuti
stock-received-line = { $lot }: { $qty } di { $product }
stock-product = Prodotto
stock-pick-product = Scegli il prodotto
stock-lot-code = Codice lotto
stock-quantity = Quantità
stock-cost = Costo unitario
stock-expiry = Data di scadenza
stock-location = Ubicazione
stock-on-hand = Giacenze
stock-col-on-hand = In giacenza
stock-col-lots = Lotti
stock-col-next-expiry = Prossima scadenza
stock-lots = Lotti
stock-lots-of = Lotti di { $product }
stock-no-lots = Nessun lotto con giacenza.
stock-below-min = sotto scorta ({ $qty })
stock-expired-qty = { $qty } scaduti
stock-no-expiry = senza scadenza
stock-expires-today = scade oggi
stock-days-left = { $days ->
    [one] 1 giorno
   *[other] { $days } giorni
}
stock-expired-ago = { $days ->
    [one] scaduto ieri
   *[other] scaduto da { $days } giorni
}
stock-expired = Lotti scaduti
stock-expired-hint = Mai serviti (il FEFO li salta). Registra come scarto ciò che resta, una volta buttato.
stock-waste-expired = Registra come scarto
stock-waste-expired-named = Registra il lotto { $lot } come scarto
stock-adjust = Scarto / rettifica
stock-adjust-named = Scarto o rettifica del lotto { $lot }
stock-adjust-kind = Tipo di movimento
stock-waste = Scarto
stock-correction = Rettifica da conteggio
stock-waste-hint = Quanto è stato buttato; viene tolto dal lotto.
stock-correction-hint = La differenza trovata contando: positiva aggiunge, negativa toglie.
stock-adjust-qty = Quantità ({ $unit })
stock-reason = Motivo
stock-record-waste = Registra lo scarto
stock-record-correction = Registra la rettifica
stock-fefo-title = Prossime porzioni (FEFO)
stock-fefo-portions = Porzioni
stock-fefo-show = Mostra i lotti
stock-fefo-short = Scorte utilizzabili insufficienti: solo { $available } disponibili.
staff-new = Nuovo account
staff-password = Password (almeno 8 caratteri)
staff-create = Crea l'account
staff-created = Account creato: { $name }
staff-deactivate = Disattiva
staff-deactivate-named = Disattiva { $name }
staff-reset = Nuova password
staff-reset-named = Imposta una nuova password per { $name }
staff-new-password = Nuova password
staff-reset-save = Imposta la password
staff-reset-done = Nuova password impostata per { $name }.
err-required = Campo obbligatorio.
err-number = Scrivi un numero, come 12,50.
err-negative = Non può essere negativo.
err-positive = Deve essere maggiore di zero.
err-whole = Scrivi un numero intero.
err-password-length = La password deve avere almeno { $min } caratteri.
err-sku-taken = Il codice { $sku } è già usato da un altro prodotto.
err-lot-code-taken = Questo prodotto ha già un lotto { $lot }.
err-below-zero = Il lotto { $lot } contiene solo { $held } { $unit }: andrebbe sotto zero.
err-lot-not-expired = Il lotto { $lot } non è scaduto.
err-lot-empty = Il lotto { $lot } è vuoto.
