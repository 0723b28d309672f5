print("manifold")
