//! The one permission table of `spec/API.md`: which role may do what. Every check in the API,
//! the server functions and the UI asks this table.

use super::Role;
use serde::{Deserialize, Serialize};

/// Calls the macro `$m!` with the one list of actions (each with its doc line): the `Action`
/// enum and its `ALL` below are generated from it, and so are the REST API's permission types,
/// so a new action is written once.
#[macro_export]
macro_rules! with_actions {
    ($m:ident) => {
        $m! {
            /// Read the venue itself (name, timezone, settings).
            VenueRead,
            /// Change the venue's settings (the kitchen display's age thresholds).
            VenueWrite,
            /// Create and deactivate the venue's users.
            UsersManage,
            /// List the venue's users.
            UsersRead,
            /// Create, update, delete products, categories, suppliers, lots; adjust stock.
            InventoryWrite,
            /// Read products, lots, stock and movements.
            InventoryRead,
            /// Create, update, delete tables; edit the layout.
            TablesWrite,
            /// Read tables.
            TablesRead,
            /// Set a table's status by hand.
            TablesSetStatus,
            /// Create orders, add items, confirm, serve, complete.
            OrdersTake,
            /// Move orders to preparing and ready.
            OrdersPrepare,
            /// Cancel an order that is still draft or confirmed.
            OrdersCancelUnstarted,
            /// Cancel an order that the kitchen has started (preparing or ready).
            OrdersCancelStarted,
            /// Read orders and the kitchen display.
            OrdersRead,
        }
    };
}

macro_rules! define_actions {
    ($($(#[$doc:meta])* $name:ident,)*) => {
        /// A thing a user may or may not do; one variant per row of the contract's table.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum Action {
            $($(#[$doc])* $name,)*
        }

        impl Action {
            pub const ALL: [Action; <[&str]>::len(&[$(stringify!($name)),*])] = [$(Action::$name),*];
        }
    };
}

with_actions!(define_actions);

/// May `role` perform `action`? Exhaustive on both, so a new role or action must be decided here.
pub fn allowed(role: Role, action: Action) -> bool {
    use Action::*;
    use Role::*;
    match action {
        VenueRead | InventoryRead | TablesRead | OrdersRead => true,
        UsersManage => matches!(role, Admin),
        UsersRead => matches!(role, Admin | Manager),
        VenueWrite | InventoryWrite | TablesWrite | OrdersCancelStarted => match role {
            Admin | Manager => true,
            Waiter | Kitchen => false,
        },
        TablesSetStatus | OrdersTake | OrdersCancelUnstarted => match role {
            Admin | Manager | Waiter => true,
            Kitchen => false,
        },
        OrdersPrepare => match role {
            Admin | Manager | Kitchen => true,
            Waiter => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The contract's table, transcribed row by row: (action, admin, manager, waiter, kitchen).
    const TABLE: [(Action, [bool; 4]); 14] = [
        (Action::VenueRead, [true, true, true, true]),
        (Action::VenueWrite, [true, true, false, false]),
        (Action::UsersManage, [true, false, false, false]),
        (Action::UsersRead, [true, true, false, false]),
        (Action::InventoryWrite, [true, true, false, false]),
        (Action::InventoryRead, [true, true, true, true]),
        (Action::TablesWrite, [true, true, false, false]),
        (Action::TablesRead, [true, true, true, true]),
        (Action::TablesSetStatus, [true, true, true, false]),
        (Action::OrdersTake, [true, true, true, false]),
        (Action::OrdersPrepare, [true, true, false, true]),
        (Action::OrdersCancelUnstarted, [true, true, true, false]),
        (Action::OrdersCancelStarted, [true, true, false, false]),
        (Action::OrdersRead, [true, true, true, true]),
    ];

    #[test]
    fn every_role_and_action_pair_matches_the_contract_table() {
        assert_eq!(TABLE.len(), Action::ALL.len());
        for (action, expected) in TABLE {
            for (role, want) in Role::ALL.into_iter().zip(expected) {
                assert_eq!(allowed(role, action), want, "{role} / {action:?}");
            }
        }
    }
}
